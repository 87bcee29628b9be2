// Decodes a records buffer (recorder/include/recorder/records.h) into plain
// objects, for assertions. Strict: anything the core would refuse throws.
// Runs in node and in the browser (no imports).

const NAMES = {
  1: 'META', 2: 'SNAP_BEGIN', 3: 'SNAP_END', 4: 'MUT_BEGIN', 5: 'MUT_END', 6: 'NODE',
  7: 'REMOVE', 8: 'ATTR', 9: 'TEXT', 10: 'MOVE', 11: 'CLICK', 12: 'SCROLL', 13: 'INPUT',
  14: 'RESIZE', 15: 'VISIBILITY', 16: 'FOCUS', 17: 'NAV', 18: 'SHEET', 19: 'RULE', 20: 'ADOPT',
  21: 'MEDIA', 22: 'IMGSRC',
};
const STRUCTURAL = new Set([3, 5, 6, 7, 8, 9]);
const decoder = new TextDecoder('utf-8', { fatal: true });

export function readRecords(bytes) {
  let p = 0;
  const fail = (why) => { throw new Error(`records byte ${p}: ${why}`); };
  const byte = () => (p < bytes.length ? bytes[p++] : fail('truncated'));
  const u = () => {
    let v = 0;
    let scale = 1;
    for (let k = 0; k < 10; k++) {
      const b = byte();
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 128;
    }
    return fail('varint too long');
  };
  const i = () => {
    const z = u();
    if (z > 0xffffffff) fail('zigzag value over 32 bits');
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  };
  // A string that was read, or { masked: lengthClass } for one that was not.
  const s = () => {
    const h = u();
    if (h % 2 === 1) return { masked: (h - 1) / 2 };
    const n = h / 2;
    if (p + n > bytes.length) fail('string past the end');
    const out = decoder.decode(bytes.subarray(p, p + n));
    p += n;
    return out;
  };

  const version = byte();
  const seq = u();
  const base = u();
  const flags = u();
  let clock = base;
  let group = null;
  const records = [];
  const timed = () => {
    clock += u();
    return clock;
  };
  while (p < bytes.length) {
    const tag = byte();
    const name = NAMES[tag] || fail(`unknown tag ${tag}`);
    if (STRUCTURAL.has(tag) && group === null) fail(`${name} outside a group`);
    if (!STRUCTURAL.has(tag) && group !== null) fail(`${name} inside ${group}`);
    const r = { type: name };
    switch (tag) {
      case 1:
        Object.assign(r, { t: timed(), url: s(), referrer: s(), title: s(), viewportW: u(),
          viewportH: u(), screenW: u(), screenH: u(), dprX100: u(), device: u(), previousPageView: s() });
        break;
      case 2:
        Object.assign(r, { t: timed(), scrollX: i(), scrollY: i(), flags: u() });
        group = 'snapshot';
        break;
      case 4:
        r.t = timed();
        group = 'mutation';
        break;
      case 3:
      case 5:
        if (group !== (tag === 3 ? 'snapshot' : 'mutation')) fail(`${name} closes ${group}`);
        group = null;
        break;
      case 6: {
        Object.assign(r, { id: u(), parent: u(), prev: u(), nodeType: u(), ns: u(), flags: u(),
          name: s(), value: s() });
        const n = u();
        r.attrs = [];
        for (let k = 0; k < n; k++) r.attrs.push([s(), s()]);
        break;
      }
      case 7:
        r.id = u();
        break;
      case 8: {
        r.id = u();
        r.flags = u();
        r.name = s();
        const removed = u();
        if (removed > 1) fail('removed flag over 1');
        r.removed = removed === 1;
        if (!r.removed) r.value = s();
        break;
      }
      case 9:
        Object.assign(r, { id: u(), flags: u(), value: s() });
        break;
      case 10: {
        r.t = timed();
        const n = u();
        if (n === 0) fail('MOVE without points');
        r.points = [];
        for (let k = 0; k < n; k++) r.points.push({ t: r.t + u(), x: i(), y: i() });
        break;
      }
      case 11:
        Object.assign(r, { t: timed(), target: u(), x: i(), y: i(), ex: i(), ey: i(), button: u() });
        break;
      case 12:
        Object.assign(r, { t: timed(), target: u(), x: i(), y: i() });
        break;
      case 13:
        Object.assign(r, { t: timed(), target: u(), flags: u(), value: s(), checked: u() === 1 });
        break;
      case 14:
        Object.assign(r, { t: timed(), width: u(), height: u() });
        break;
      case 15:
        Object.assign(r, { t: timed(), state: u() });
        break;
      case 16:
        Object.assign(r, { t: timed(), target: u(), focused: u() === 1 });
        break;
      case 17:
        Object.assign(r, { t: timed(), kind: u(), url: s() });
        break;
      case 18: {
        Object.assign(r, { t: timed(), sheet: u(), owner: u(), flags: u() });
        const n = u();
        r.rules = [];
        for (let k = 0; k < n; k++) r.rules.push(s());
        break;
      }
      case 19: {
        Object.assign(r, { t: timed(), sheet: u(), op: u() });
        const depth = u();
        if (depth < 1 || depth > 32) fail(`rule path depth ${depth}`);
        r.path = [];
        for (let k = 0; k < depth; k++) r.path.push(u());
        if (r.op === 0) r.rule = s();
        else if (r.op !== 1) fail(`rule op ${r.op}`);
        break;
      }
      case 20: {
        Object.assign(r, { t: timed(), target: u() });
        const n = u();
        r.sheets = [];
        for (let k = 0; k < n; k++) r.sheets.push(u());
        break;
      }
      case 21:
        Object.assign(r, { t: timed(), target: u(), action: u(), timeMs: u(), rateX100: u(),
          volumeX100: u(), flags: u() });
        if (r.volumeX100 > 100) fail('volume over 100');
        break;
      case 22:
        Object.assign(r, { t: timed(), target: u(), url: s() });
        break;
    }
    records.push(r);
  }
  if (group !== null) fail(`buffer ends inside ${group}`);
  return { version, seq, base, flags, records };
}
