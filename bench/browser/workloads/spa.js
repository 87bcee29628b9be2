// A single-page app: links change the route with history.pushState and the
// view is replaced by a new screen of about 400 nodes (a list of cards and a
// table), as a framework's router would.
(function () {
  const routes = ['home', 'products', 'orders', 'customers', 'reports', 'settings', 'help', 'about'];
  const nav = document.getElementById('nav');
  const view = document.getElementById('view');
  for (const r of routes) {
    const a = document.createElement('a');
    a.href = '/bench/spa.html#/' + r;
    a.id = 'nav-' + r;
    a.textContent = r;
    nav.appendChild(a);
  }
  function render(route) {
    const frag = document.createDocumentFragment();
    const h = document.createElement('h1');
    h.textContent = 'Route: ' + route;
    frag.appendChild(h);
    const list = document.createElement('ul');
    for (let i = 0; i < 40; i++) {
      const li = document.createElement('li');
      li.className = 'card';
      li.setAttribute('data-id', route + '-' + i);
      const b = document.createElement('b');
      b.textContent = route + ' item ' + i;
      const s = document.createElement('span');
      s.textContent = ' updated ' + (i * 7 % 60) + ' minutes ago';
      li.append(b, s);
      list.appendChild(li);
    }
    frag.appendChild(list);
    const table = document.createElement('table');
    for (let r = 0; r < 20; r++) {
      const tr = table.insertRow();
      for (let c = 0; c < 4; c++) tr.insertCell().textContent = route + ' ' + r + ':' + c;
    }
    frag.appendChild(table);
    view.replaceChildren(frag);
    document.title = 'Bench SPA: ' + route;
  }
  nav.addEventListener('click', (e) => {
    const a = e.target.closest('a');
    if (!a) return;
    e.preventDefault();
    const route = a.id.slice(4);
    history.pushState({ route }, '', '/bench/spa.html?route=' + route);
    render(route);
  });
  window.addEventListener('popstate', (e) => render((e.state && e.state.route) || 'home'));
  render('home');
})();
