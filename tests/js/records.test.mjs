// RecordWriter output, byte for byte, against values worked out by hand from
// records.h (LEB128 varints, zigzag, string headers, masked length classes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordWriter, MASKED, masked, lengthClass, LengthClass, NodeFlag, SnapFlag, SheetFlag, RuleOp,
  MediaAction, MediaFlag } from '../../js/src/records.js';
import { readRecords } from './helpers/records-reader.js';

// Flattens numbers, byte arrays and ASCII strings into one byte list.
function bytes(...parts) {
  const out = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') for (const c of p) out.push(c.charCodeAt(0));
    else out.push(...p);
  }
  return out;
}

function writerAt(t0) {
  const clock = { t: t0 };
  const w = new RecordWriter(() => clock.t);
  return { w, clock };
}

const HEADER_SEQ0_BASE1000 = [0x02, 0x00, 0xe8, 0x07, 0x00]; // version 2, seq 0, 1000 = 0x68|0x80, 0x07, flags 0

test('header: version, seq and the epoch time base', () => {
  const { w } = writerAt(1000);
  assert.deepEqual([...w.take(0)], HEADER_SEQ0_BASE1000);
  const big = writerAt(1700000000000).w;
  // 1700000000000 in 7-bit groups, least significant first.
  assert.deepEqual([...big.take(300)], [0x02, 0xac, 0x02, 0x80, 0xd0, 0x95, 0xff, 0xbc, 0x31, 0x00]);
  // Flags follow the time base: a batch that starts a new compression frame.
  assert.deepEqual([...writerAt(1000).w.take(0, 1)], [0x02, 0x00, 0xe8, 0x07, 0x01]);
});

test('META: strings, a masked title and u16 sizes', () => {
  const { w, clock } = writerAt(1000);
  clock.t = 1003;
  w.meta(clock.t, { url: 'https://a.b/', referrer: '', title: MASKED[2], viewportW: 1280,
    viewportH: 800, screenW: 1920, screenH: 1080, dprX100: 200, device: 1, previousPageView: 'pv0' });
  assert.deepEqual([...w.take(0)], bytes(HEADER_SEQ0_BASE1000,
    0x01, 0x03, 0x18, 'https://a.b/', 0x00, 0x05,
    [0x80, 0x0a], [0xa0, 0x06], [0x80, 0x0f], [0xb8, 0x08], [0xc8, 0x01], 0x01, 0x06, 'pv0'));
});

test('snapshot: document, SVG element with attributes, multi-byte UTF-8 text', () => {
  const { w } = writerAt(1000);
  w.snapBegin(1000, 0, -1);
  w.node(1, 0, 0, 9, 0, 0, '', '', [], 0);
  w.node(3, 1, 2, 1, 1, 0, 'svg', '', ['viewBox', '0 0 1 1'], 2);
  w.node(4, 3, 0, 3, 0, 1, '', 'é€😀', [], 0);
  w.snapEnd();
  assert.deepEqual([...w.take(0)], bytes(HEADER_SEQ0_BASE1000,
    0x02, 0x00, 0x00, 0x01, 0x00,
    0x06, 1, 0, 0, 9, 0, 0, 0x00, 0x00, 0,
    0x06, 3, 1, 2, 1, 1, 0, 0x06, 'svg', 0x00, 1, 0x0e, 'viewBox', 0x0e, '0 0 1 1',
    0x06, 4, 3, 0, 3, 0, 1, 0x00, 0x12, [0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], 0,
    0x03));
});

test('strings: long headers, header shrink after encodeInto, masked classes', () => {
  const { w } = writerAt(1000);
  w.mutBegin(1000);
  const a50 = 'a'.repeat(50);
  const a100 = 'b'.repeat(100);
  w.text(4, a50); // room reserved for 150 bytes (2-byte header), 1 used
  w.text(5, a100); // 200 = 0xc8 0x01
  w.text(6, 'ü'.repeat(40)); // 80 bytes: header 160 = 0xa0 0x01
  w.text(7, masked(300)); // class 4: h = 9
  w.text(8, MASKED[0]); // class 0: h = 1
  w.mutEnd();
  assert.deepEqual([...w.take(0)], bytes(HEADER_SEQ0_BASE1000,
    0x04, 0x00,
    0x09, 4, 0, 0x64, a50,
    0x09, 5, 0, [0xc8, 0x01], a100,
    0x09, 6, 0, [0xa0, 0x01], new Array(40).fill([0xc3, 0xbc]).flat(),
    0x09, 7, 0, 0x09,
    0x09, 8, 0, 0x01,
    0x05));
});

test('mutation records: REMOVE, ATTR set and removed, TEXT', () => {
  const { w } = writerAt(1000);
  w.mutBegin(1002);
  w.remove(300);
  w.attr(3, 'class', 'a');
  w.attr(3, 'class', null);
  w.attr(3, 'value', MASKED[LengthClass.SHORT]);
  w.text(4, masked(20));
  w.text(5, 'shown', NodeFlag.UNMASKED);
  w.attr(3, 'title', 'Help', NodeFlag.UNMASKED);
  w.mutEnd();
  assert.deepEqual([...w.take(0)], bytes(HEADER_SEQ0_BASE1000,
    0x04, 0x02,
    0x07, [0xac, 0x02],
    0x08, 3, 0, 0x0a, 'class', 0, 0x02, 'a',
    0x08, 3, 0, 0x0a, 'class', 1,
    0x08, 3, 0, 0x0a, 'value', 0, 0x03,
    0x09, 4, 0, 0x05,
    0x09, 5, 2, 0x0a, 'shown',
    0x08, 3, 2, 0x0a, 'title', 0, 0x08, 'Help',
    0x05));
});

test('interaction records with zigzag coordinates and dt after the previous record', () => {
  const { w } = writerAt(1000);
  w.move([1010, 10, -20, 1060, 11, 300], 6);
  w.click(1070, 5, 100, 50, 3, -2, 0);
  w.scroll(1070, 1, 0, 1000);
  w.input(1071, 7, 'hi', true);
  w.resize(1200, 1100, 700);
  w.visibility(1200, 2);
  w.focus(1201, 7, true);
  w.nav(1201, 1, '/x');
  assert.deepEqual([...w.take(0)], bytes(HEADER_SEQ0_BASE1000,
    0x0a, 10, 2, 0, 0x14, 0x27, 50, 0x16, [0xd8, 0x04],
    0x0b, 60, 5, [0xc8, 0x01], 0x64, 0x06, 0x03, 0,
    0x0c, 0, 1, 0x00, [0xd0, 0x0f],
    0x0d, 1, 7, 0, 0x04, 'hi', 1,
    0x0e, [0x81, 0x01], [0xcc, 0x08], [0xbc, 0x05],
    0x0f, 0, 2,
    0x10, 1, 7, 1,
    0x11, 0, 1, 0x04, '/x'));
});

test('style, media and image records; checkpoint snapshots', () => {
  const { w } = writerAt(1000);
  w.sheet(1001, 40, 0, SheetFlag.DISABLED, ['.a{}', 'b{}']);
  w.rule(1001, 40, RuleOp.INSERT, [1, 0], '.c{}');
  w.rule(1002, 40, RuleOp.DELETE, [3], 'ignored');
  w.adopt(1002, 1, [40, 41]);
  w.media(1003, 9, MediaAction.SEEKED, 1500.4, 125, 200, MediaFlag.MUTED | MediaFlag.PAUSED);
  w.imgSrc(1003, 9, 'https://x.test/a.png');
  w.snapBegin(1004, 0, 0, SnapFlag.CHECKPOINT);
  w.snapEnd();
  assert.deepEqual([...w.take(0)], bytes(HEADER_SEQ0_BASE1000,
    0x12, 1, 40, 0, 1, 2, 0x08, '.a{}', 0x06, 'b{}',
    0x13, 0, 40, 0, 2, 1, 0, 0x08, '.c{}',
    0x13, 1, 40, 1, 1, 3,
    0x14, 0, 1, 2, 40, 41,
    0x15, 1, 9, 3, [0xdc, 0x0b], 125, 100, 3,  // volume clamps to 100
    0x16, 0, 9, 0x28, 'https://x.test/a.png',
    0x02, 1, 0, 0, 1,
    0x03));
});

test('the records reader round-trips the new records', () => {
  const { w } = writerAt(1000);
  w.sheet(1001, 40, 7, 0, ['.a{}']);
  w.rule(1001, 40, RuleOp.INSERT, [0], '.c{}');
  w.adopt(1002, 1, [40]);
  w.media(1003, 9, MediaAction.PLAY, 0, 100, 50, 0);
  w.imgSrc(1003, 9, 'u');
  const { records } = readRecords(w.take(0));
  assert.deepEqual(records.map((r) => r.type), ['SHEET', 'RULE', 'ADOPT', 'MEDIA', 'IMGSRC']);
  assert.deepEqual(records[0].rules, ['.a{}']);
  assert.equal(records[0].owner, 7);
  assert.deepEqual(records[1].path, [0]);
  assert.equal(records[1].rule, '.c{}');
  assert.deepEqual(records[2].sheets, [40]);
  assert.equal(records[3].volumeX100, 50);
  assert.equal(records[4].url, 'u');
});

test('time never runs backwards and coordinates are clamped to int32', () => {
  const { w } = writerAt(1000);
  w.visibility(1500, 1);
  w.visibility(1400, 2); // earlier than the previous record: dt 0
  w.scroll(1400.6, 1, -2147483648, 1e12); // still before 1500: dt 0; y clamps to 2^31-1
  w.scroll(1500.4, 1, NaN, 2.5); // rounds to 1500: dt 0; NaN is 0, 2.5 rounds to 3
  assert.deepEqual([...w.take(0)], bytes(HEADER_SEQ0_BASE1000,
    0x0f, [0xf4, 0x03], 1,
    0x0f, 0, 2,
    0x0c, 0, 1, [0xff, 0xff, 0xff, 0xff, 0x0f], [0xfe, 0xff, 0xff, 0xff, 0x0f],
    0x0c, 0, 1, 0x00, 0x06));
});

test('take() hands over a buffer the writer never touches again', () => {
  const { w, clock } = writerAt(1000);
  w.visibility(1001, 1);
  const first = w.take(0);
  const copy = [...first];
  clock.t = 2000;
  for (let k = 0; k < 5000; k++) w.nav(2000, 1, 'https://example.test/' + k); // forces growth
  assert.deepEqual([...first], copy);
  const second = w.take(1);
  const decoded = readRecords(second);
  assert.equal(decoded.seq, 1);
  assert.equal(decoded.base, 1000); // the new buffer started at take()
  assert.equal(decoded.records[0].t, 2000);
  assert.equal(decoded.records.length, 5000);
  assert.equal(decoded.records[4999].url, 'https://example.test/4999');
  assert.equal(w.size, 0);
});

test('the beforeTimed hook writes held-back records first, once', () => {
  const { w } = writerAt(1000);
  let held = [1005, 1, 1];
  w.beforeTimed = () => {
    if (held === null) return;
    const p = held;
    held = null;
    w.move(p, 3);
  };
  w.click(1010, 2, 0, 0, 0, 0, 0);
  const types = readRecords(w.take(0)).records.map((r) => r.type);
  assert.deepEqual(types, ['MOVE', 'CLICK']);
});

test('mark and rollback drop a half-written group', () => {
  const { w } = writerAt(1000);
  w.visibility(1001, 1);
  const m = w.mark();
  w.snapBegin(1002, 0, 0);
  w.node(1, 0, 0, 9, 0, 0, '', '', [], 0);
  w.rollback(m);
  w.visibility(1003, 2);
  const { records } = readRecords(w.take(0));
  assert.deepEqual(records.map((r) => [r.type, r.t]), [['VISIBILITY', 1001], ['VISIBILITY', 1003]]);
  assert.equal(w.events, 0);
});

test('length classes', () => {
  const table = [[0, 0], [1, 1], [16, 1], [17, 2], [64, 2], [65, 3], [256, 3], [257, 4], [1e6, 4]];
  for (const [n, cls] of table) assert.equal(lengthClass(n), cls, `length ${n}`);
  assert.equal(masked(17), MASKED[2]);
});
