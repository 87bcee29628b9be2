// The demo shop's own behaviour plus the recorder's installation. Settings
// come from the query string so the demo command and the tests can point the
// page at their collector: ?endpoint=http://127.0.0.1:8787&site=demo&mode=strict
(function () {
  const params = new URLSearchParams(location.search);
  const endpoint = params.get('endpoint') || 'http://127.0.0.1:8787';
  const siteKey = params.get('site') || 'demo';
  const mode = params.get('mode') || 'strict';
  const state = document.getElementById('recorder-state');

  // One script tag (/dist/recorder.js) installed window.SessionRecorder.
  // Consent is required by default: nothing happens until the visitor agrees.
  window.demoRecorderReady = SessionRecorder.start({
    endpoint,
    siteKey,
    privacy: { mode },
    flushIntervalMs: Number(params.get('flush') || 2000),
  });
  document.getElementById('consent-yes').addEventListener('click', () => {
    SessionRecorder.consent(true);
    state.textContent = 'recording (' + mode + ')';
    document.getElementById('consent-banner').setAttribute('data-answered', 'yes');
  });
  document.getElementById('consent-no').addEventListener('click', () => {
    SessionRecorder.consent(false);
    state.textContent = 'declined';
  });

  const cart = document.getElementById('cart');
  const countText = document.getElementById('cart-count').firstChild;
  const total = document.getElementById('cart-total');
  let sum = 0;

  function updateTotals() {
    countText.data = String(cart.children.length);      // a characterData change
    total.textContent = sum + ' EUR';                    // a childList change
  }

  document.getElementById('grid').addEventListener('click', (e) => {
    const button = e.target.closest('button.add');
    if (!button) return;
    const product = button.closest('.product');
    const li = document.createElement('li');
    li.className = 'cart-item';
    li.dataset.sku = product.dataset.sku;
    li.append(product.querySelector('h3').textContent + ' ');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'remove';
    remove.textContent = 'remove';
    li.append(remove);
    cart.append(li);
    sum += Number(product.dataset.price);
    button.classList.add('added');
    updateTotals();
  });

  cart.addEventListener('click', (e) => {
    if (!e.target.matches('button.remove')) return;
    const li = e.target.closest('li');
    const product = document.querySelector(`.product[data-sku="${li.dataset.sku}"]`);
    sum -= Number(product.dataset.price);
    li.remove();
    updateTotals();
  });

  // Reordering moves existing nodes: the recorder must keep their ids.
  document.getElementById('sort').addEventListener('click', () => {
    const grid = document.getElementById('grid');
    const items = [...grid.children].sort((a, b) => a.dataset.price - b.dataset.price);
    for (const item of items) grid.append(item);
    document.getElementById('sort').setAttribute('aria-pressed', 'true');
  });

  // Added and removed before any flush: costs nothing on the wire.
  document.getElementById('flash').addEventListener('click', () => {
    const toast = document.createElement('div');
    toast.className = 'toast';
    toast.textContent = 'Saved!';
    document.body.append(toast);
    toast.remove();
    document.getElementById('cart-panel').classList.toggle('busy');
  });

  document.getElementById('checkout-form').addEventListener('submit', (e) => e.preventDefault());

  // A live counter: a steady stream of small mutations.
  const visitors = document.getElementById('visitors').firstChild;
  setInterval(() => { visitors.data = String(15 + Math.floor(Math.random() * 5)); }, 700);
})();
