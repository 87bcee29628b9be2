// The records buffer of recorder/include/recorder/records.h, written on the
// main thread. Every capture module appends here; the core parses the bytes
// once per flush. Nothing in this file touches the DOM.

export const FORMAT_VERSION = 2;

// Header flags (records.h kRecordsFlag*).
// MIRROR_ONLY: the Worker's core only feeds its node mirror with the buffer
// (it was sent out of band already); no output, no seq consumed.
export const HeaderFlag = Object.freeze({ NEW_STREAM: 1, MIRROR_ONLY: 2 });

export const Tag = Object.freeze({
  META: 0x01,
  SNAP_BEGIN: 0x02,
  SNAP_END: 0x03,
  MUT_BEGIN: 0x04,
  MUT_END: 0x05,
  NODE: 0x06,
  REMOVE: 0x07,
  ATTR: 0x08,
  TEXT: 0x09,
  MOVE: 0x0a,
  CLICK: 0x0b,
  SCROLL: 0x0c,
  INPUT: 0x0d,
  RESIZE: 0x0e,
  VISIBILITY: 0x0f,
  FOCUS: 0x10,
  NAV: 0x11,
  SHEET: 0x12,
  RULE: 0x13,
  ADOPT: 0x14,
  MEDIA: 0x15,
  IMGSRC: 0x16,
});

// Value flags of NODE, ATTR, TEXT and INPUT. UNMASKED: inside a region the
// site unmasked; never set on a value that must not be read.
export const NodeFlag = Object.freeze({ STYLE_TEXT: 1, UNMASKED: 2 });
export const SnapFlag = Object.freeze({ CHECKPOINT: 1 });
export const SheetFlag = Object.freeze({ DISABLED: 1 });
export const RuleOp = Object.freeze({ INSERT: 0, DELETE: 1 });
export const MediaAction = Object.freeze({ PLAY: 1, PAUSE: 2, SEEKED: 3, RATE: 4, VOLUME: 5 });
export const MediaFlag = Object.freeze({ MUTED: 1, PAUSED: 2, LOOP: 4 });

export const LengthClass = Object.freeze({ EMPTY: 0, SHORT: 1, MEDIUM: 2, LONG: 3, HUGE: 4 });

export function lengthClass(length) {
  if (length <= 0) return LengthClass.EMPTY;
  if (length <= 16) return LengthClass.SHORT;
  if (length <= 64) return LengthClass.MEDIUM;
  if (length <= 256) return LengthClass.LONG;
  return LengthClass.HUGE;
}

// A value the glue chose not to read. Shared frozen tokens, so masking costs
// no allocation; a string value is always one that was read.
export const MASKED = Object.freeze(
  [0, 1, 2, 3, 4].map((c) => Object.freeze({ lengthClass: c })),
);
export function masked(length) {
  return MASKED[lengthClass(length)];
}

// Room for the header (version, seq, epoch ms), written right-aligned into
// this space when the buffer is taken, so records never have to move.
const HEADER_ROOM = 16;
const encoder = new TextEncoder();

function varintSize(v) {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

// A varint of an unsigned 32-bit value at b[p]; returns the next position.
// The caller has made room for 5 bytes.
function put32(b, p, v) {
  v >>>= 0;
  while (v > 127) {
    b[p++] = (v & 127) | 128;
    v >>>= 7;
  }
  b[p++] = v;
  return p;
}

function toInt32(v) {
  if (!Number.isFinite(v)) return 0;
  v = Math.round(v);
  if (v > 0x7fffffff) return 0x7fffffff;
  if (v < -0x80000000) return -0x80000000;
  return v;
}

export class RecordWriter {
  // now(): epoch ms (may be fractional), the clock of every timed record.
  constructor(now, initialCapacity = 16384) {
    this.now = now;
    this.initialCapacity = Math.max(initialCapacity, 64);
    this.buf = new Uint8Array(this.initialCapacity);
    this.pos = HEADER_ROOM;
    this.t0 = 0;
    this.tLast = 0;
    this.events = 0;
    // Called before any timed record, so a module holding back time-stamped
    // data (pointer samples) can write it first and keep dt monotonic.
    this.beforeTimed = null;
    this.inBeforeTimed = false;
    this.restart();
  }

  restart() {
    this.pos = HEADER_ROOM;
    this.t0 = Math.round(this.now());
    this.tLast = this.t0;
    this.events = 0;
  }

  // Bytes of records written since the last take().
  get size() {
    return this.pos - HEADER_ROOM;
  }

  // Runs the beforeTimed hook now, so pending records land before a mark.
  settle() {
    if (this.beforeTimed !== null && !this.inBeforeTimed) {
      this.inBeforeTimed = true;
      try {
        this.beforeTimed();
      } finally {
        this.inBeforeTimed = false;
      }
    }
  }

  // A record boundary. A group (snapshot, mutation) that fails half-way is
  // rolled back to its mark, so the core never sees an unterminated group.
  mark() {
    return { pos: this.pos, tLast: this.tLast, events: this.events };
  }

  rollback(m) {
    this.pos = m.pos;
    this.tLast = m.tLast;
    this.events = m.events;
  }

  // Finishes the buffer with its header and starts a new one. The returned
  // view owns its ArrayBuffer's bytes from byteOffset on; the writer never
  // touches that ArrayBuffer again, so it may be transferred.
  take(seq, flags = 0) {
    const header = [FORMAT_VERSION];
    for (const v of [seq, this.t0, flags]) {
      let x = v;
      while (x >= 128) {
        header.push((x % 128) | 0x80);
        x = Math.floor(x / 128);
      }
      header.push(x);
    }
    const start = HEADER_ROOM - header.length;
    this.buf.set(header, start);
    const out = this.buf.subarray(start, this.pos);
    const next = Math.max(this.initialCapacity, Math.min(this.buf.length, 1 << 20));
    this.buf = new Uint8Array(next);
    this.restart();
    return out;
  }

  ensure(n) {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const grown = new Uint8Array(cap);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  byte(b) {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  u(v) {
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    if (v <= 0xffffffff) {
      v >>>= 0;
      while (v > 0x7f) {
        b[p++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
    } else {
      while (v > 0x7f) {
        b[p++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
    }
    b[p++] = v;
    this.pos = p;
  }

  i(v) {
    v = toInt32(v);
    this.u(((v << 1) ^ (v >> 31)) >>> 0);
  }

  s(str) {
    const n = str.length;
    if (n <= 24) {
      // Short ASCII (tag and attribute names, most values) skips the
      // subarray view encodeInto needs.
      this.ensure(1 + n);
      const b = this.buf;
      let p = this.pos + 1;
      let k = 0;
      for (; k < n; k++) {
        const c = str.charCodeAt(k);
        if (c > 0x7f) break;
        b[p++] = c;
      }
      if (k === n) {
        b[this.pos] = n << 1;
        this.pos = p;
        return;
      }
    }
    const max = n * 3;
    const room = varintSize(max * 2);
    this.ensure(room + max);
    const start = this.pos + room;
    const { written } = encoder.encodeInto(str, this.buf.subarray(start, start + max));
    const h = written * 2;
    const hs = varintSize(h);
    if (hs < room) this.buf.copyWithin(this.pos + hs, start, start + written);
    this.u(h);
    this.pos += written;
  }

  // A string field: a string that was read, or a MASKED token.
  sv(v) {
    if (typeof v === 'string') this.s(v);
    else this.u(v.lengthClass * 2 + 1);
  }

  timed(tag, t) {
    this.settle();
    const ms = Math.round(t);
    const dt = ms > this.tLast ? ms - this.tLast : 0;
    this.tLast += dt;
    this.events++;
    this.byte(tag);
    this.u(dt);
  }

  meta(t, m) {
    this.timed(Tag.META, t);
    this.sv(m.url);
    this.sv(m.referrer);
    this.sv(m.title);
    this.u(m.viewportW);
    this.u(m.viewportH);
    this.u(m.screenW);
    this.u(m.screenH);
    this.u(m.dprX100);
    this.u(m.device);
    this.s(m.previousPageView || '');
  }

  // flags: SnapFlag.
  snapBegin(t, scrollX, scrollY, flags = 0) {
    this.timed(Tag.SNAP_BEGIN, t);
    this.i(scrollX);
    this.i(scrollY);
    this.u(flags);
  }

  snapEnd() {
    this.byte(Tag.SNAP_END);
  }

  mutBegin(t) {
    this.timed(Tag.MUT_BEGIN, t);
  }

  mutEnd() {
    this.byte(Tag.MUT_END);
  }

  // attrs: flat [name, value, name, value, ...]; values may be MASKED.
  // The fixed part goes out under one capacity check: a snapshot writes
  // one record per node, and the per-field checks showed in its profile.
  node(id, parent, prev, type, ns, flags, name, value, attrs, attrLen) {
    this.ensure(1 + 3 * 5 + 3 * 5);
    const b = this.buf;
    let p = this.pos;
    b[p++] = Tag.NODE;
    p = put32(b, p, id);
    p = put32(b, p, parent);
    p = put32(b, p, prev);
    p = put32(b, p, type);
    p = put32(b, p, ns);
    p = put32(b, p, flags);
    this.pos = p;
    this.sv(name);
    this.sv(value);
    this.u(attrLen >> 1);
    for (let k = 0; k < attrLen; k += 2) {
      this.s(attrs[k]);
      this.sv(attrs[k + 1]);
    }
  }

  remove(id) {
    this.byte(Tag.REMOVE);
    this.u(id);
  }

  // value null: the attribute was removed.
  attr(id, name, value, flags = 0) {
    this.byte(Tag.ATTR);
    this.u(id);
    this.u(flags);
    this.s(name);
    if (value === null) {
      this.u(1);
    } else {
      this.u(0);
      this.sv(value);
    }
  }

  text(id, value, flags = 0) {
    this.byte(Tag.TEXT);
    this.u(id);
    this.u(flags);
    this.sv(value);
  }

  // points: flat [t, x, y, t, x, y, ...] with epoch-ms times, oldest first.
  move(points, len) {
    const t = points[0];
    this.timed(Tag.MOVE, t);
    this.u(len / 3);
    const base = this.tLast;
    for (let k = 0; k < len; k += 3) {
      const ms = Math.round(points[k]);
      this.u(ms > base ? ms - base : 0);
      this.i(points[k + 1]);
      this.i(points[k + 2]);
    }
  }

  click(t, target, x, y, ex, ey, button) {
    this.timed(Tag.CLICK, t);
    this.u(target);
    this.i(x);
    this.i(y);
    this.i(ex);
    this.i(ey);
    this.u(button);
  }

  scroll(t, target, x, y) {
    this.timed(Tag.SCROLL, t);
    this.u(target);
    this.i(x);
    this.i(y);
  }

  input(t, target, value, checked, flags = 0) {
    this.timed(Tag.INPUT, t);
    this.u(target);
    this.u(flags);
    this.sv(value);
    this.u(checked ? 1 : 0);
  }

  resize(t, width, height) {
    this.timed(Tag.RESIZE, t);
    this.u(width);
    this.u(height);
  }

  visibility(t, state) {
    this.timed(Tag.VISIBILITY, t);
    this.u(state);
  }

  focus(t, target, focused) {
    this.timed(Tag.FOCUS, t);
    this.u(target);
    this.u(focused ? 1 : 0);
  }

  nav(t, kind, url) {
    this.timed(Tag.NAV, t);
    this.u(kind);
    this.sv(url);
  }

  // A stylesheet's whole rule list (cssText strings). flags: SheetFlag.
  sheet(t, sheetId, ownerId, flags, rules) {
    this.timed(Tag.SHEET, t);
    this.u(sheetId);
    this.u(ownerId);
    this.u(flags);
    this.u(rules.length);
    for (let k = 0; k < rules.length; k++) this.s(rules[k]);
  }

  // One insertRule/deleteRule. path: cssRules indexes, outermost first.
  rule(t, sheetId, op, path, ruleText) {
    this.timed(Tag.RULE, t);
    this.u(sheetId);
    this.u(op);
    this.u(path.length);
    for (let k = 0; k < path.length; k++) this.u(path[k]);
    if (op === RuleOp.INSERT) this.s(ruleText);
  }

  adopt(t, targetId, sheetIds) {
    this.timed(Tag.ADOPT, t);
    this.u(targetId);
    this.u(sheetIds.length);
    for (let k = 0; k < sheetIds.length; k++) this.u(sheetIds[k]);
  }

  // flags: MediaFlag.
  media(t, target, action, timeMs, rateX100, volumeX100, flags) {
    this.timed(Tag.MEDIA, t);
    this.u(target);
    this.u(action);
    this.u(Math.max(0, Math.min(0xffffffff, Math.round(timeMs))) || 0);
    this.u(Math.max(0, Math.min(0xffff, Math.round(rateX100))) || 0);
    this.u(Math.max(0, Math.min(100, Math.round(volumeX100))) || 0);
    this.u(flags);
  }

  imgSrc(t, target, url) {
    this.timed(Tag.IMGSRC, t);
    this.u(target);
    this.sv(url);
  }
}
