// The pointer and clicks, drawn over the replay frame in the viewer's own
// document: nothing is added to the replayed page, so its DOM stays what
// was recorded.

const CLICK_SHOW_MS = 600;

export class Overlay {
  constructor(doc, layer) {
    this.layer = layer;
    this.pointer = doc.createElement('div');
    this.pointer.setAttribute('data-replay-pointer', '');
    Object.assign(this.pointer.style, {
      position: 'absolute', width: '12px', height: '12px', margin: '-6px 0 0 -6px', borderRadius: '50%',
      background: 'rgba(220, 40, 40, .8)', border: '2px solid #fff', display: 'none', pointerEvents: 'none',
    });
    layer.appendChild(this.pointer);
    this.rings = [];
    this.samples = [];   // { t, x, y } in page coordinates, by time
    this.clicks = [];    // { t, x, y }
  }

  // From the whole timeline, once.
  index(events) {
    for (const ev of events) {
      if (ev.type === 'MouseMove') {
        for (const p of ev.points || []) this.samples.push({ t: ev.time + (p.dt || 0), x: p.x, y: p.y, pv: ev.pageView });
      } else if (ev.type === 'Click') {
        this.samples.push({ t: ev.time, x: ev.x, y: ev.y, pv: ev.pageView });
        this.clicks.push({ t: ev.time, x: ev.x, y: ev.y, pv: ev.pageView });
      }
    }
    this.samples.sort((a, b) => a.t - b.t);
  }

  // Draws the moment `t`; scroll: the replayed window's scroll offset.
  draw(t, pageView, scrollX, scrollY) {
    const at = lastAtOrBefore(this.samples, t);
    const p = at >= 0 ? this.samples[at] : null;
    if (p && p.pv === pageView) {
      this.pointer.style.display = 'block';
      this.pointer.style.left = `${p.x - scrollX}px`;
      this.pointer.style.top = `${p.y - scrollY}px`;
    } else {
      this.pointer.style.display = 'none';
    }
    for (const r of this.rings) r.remove();
    this.rings = [];
    for (let k = lastAtOrBefore(this.clicks, t); k >= 0 && t - this.clicks[k].t < CLICK_SHOW_MS; k--) {
      const c = this.clicks[k];
      if (c.pv !== pageView) continue;
      const size = 16 + (t - c.t) / 20;
      const ring = this.layer.ownerDocument.createElement('div');
      ring.setAttribute('data-replay-click', '');
      Object.assign(ring.style, {
        position: 'absolute', left: `${c.x - scrollX}px`, top: `${c.y - scrollY}px`, width: `${size}px`,
        height: `${size}px`, margin: `${-size / 2}px 0 0 ${-size / 2}px`, borderRadius: '50%',
        border: '2px solid rgba(220, 40, 40, .8)', opacity: String(1 - (t - c.t) / CLICK_SHOW_MS), pointerEvents: 'none',
      });
      this.layer.appendChild(ring);
      this.rings.push(ring);
    }
  }
}

function lastAtOrBefore(list, t) {
  let lo = 0;
  let hi = list.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].t <= t) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}
