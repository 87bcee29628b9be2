// A mutation-heavy live dashboard: every 50 ms, 20 tile values change
// (text), 6 tiles change state (class and attribute), a row of the region
// table is rewritten, and one log line is added while the oldest beyond 40
// is removed (about 35 DOM changes per tick, 700 a second). Deterministic
// (seeded). It ticks TICKS times from window.__dashboard.start() on (the
// bench's visit starts it), so every mode's measured window holds the same
// page work whatever time the recorder's start and final flush take.
(function () {
  const TICKS = 50;
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const tiles = document.getElementById('tiles');
  const values = [];
  for (let i = 0; i < 240; i++) {
    const t = document.createElement('div');
    t.className = 'tile ok';
    t.setAttribute('data-service', 'svc-' + i);
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = 'service-' + i;
    const v = document.createElement('b');
    v.textContent = '0';
    t.append(name, v);
    tiles.appendChild(t);
    values.push(v);
  }
  const tbody = document.querySelector('#regions tbody');
  const cells = [];
  for (let r = 0; r < 30; r++) {
    const tr = document.createElement('tr');
    const row = [];
    for (let c = 0; c < 5; c++) {
      const td = document.createElement('td');
      td.textContent = c === 0 ? 'region-' + r : '-';
      tr.appendChild(td);
      row.push(td);
    }
    tbody.appendChild(tr);
    cells.push(row);
  }
  const log = document.getElementById('log');
  const clock = document.getElementById('clock');
  let tick = 0;
  let timer = 0;
  const api = (window.__dashboard = { done: false, ticks: 0 });
  api.start = () => {
    if (timer) return;
    timer = setInterval(step, 50);
  };
  function step() {
    tick++;
    api.ticks = tick;
    if (tick >= TICKS) {
      clearInterval(timer);
      api.done = true;
    }
    for (let i = 0; i < 20; i++) values[(rnd() * values.length) | 0].textContent = String((rnd() * 1000) | 0);
    for (let i = 0; i < 6; i++) {
      const t = tiles.children[(rnd() * tiles.children.length) | 0];
      const bad = rnd() < 0.2;
      t.className = 'tile ' + (bad ? 'warn' : 'ok');
      t.setAttribute('data-load', String((rnd() * 100) | 0));
    }
    const row = cells[tick % cells.length];
    row[1].textContent = ((rnd() * 90) | 0) + ' ms';
    row[2].textContent = ((rnd() * 400) | 0) + ' ms';
    row[3].textContent = String((rnd() * 5) | 0);
    row[4].innerHTML = rnd() < 0.1 ? '<em class="warn">degraded</em>' : '<span>healthy</span>';
    const li = document.createElement('li');
    li.textContent = 'tick ' + tick + ': service-' + ((rnd() * 240) | 0) + ' reported ' + ((rnd() * 1000) | 0) + ' requests';
    log.prepend(li);
    if (log.children.length > 40) log.lastElementChild.remove();
    clock.textContent = 'tick ' + tick;
  }
})();
