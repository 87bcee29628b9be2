// records.h: the compact record format the browser glue writes for the core.
//
// The glue (js/) observes the page and appends records to one byte buffer per
// flush; the core parses that buffer once, passes every string through the
// masking gate, and encodes one FlatBuffers batch (recorder.fbs). This header
// is the normative description of that buffer; js/src/records.js mirrors it.
//
// Encodings
//   u   unsigned LEB128 varint (at most 10 bytes; values must fit the field)
//   i   signed 32-bit value, zigzag then LEB128
//   s   string: a varint header h, then
//         h even: (h >> 1) bytes of UTF-8 follow; the value was read in the
//                 page and the core's gate decides what reaches the wire.
//         h odd:  nothing follows; the glue masked the value without reading
//                 or sending it. (h >> 1) is a coarse length class
//                 (kLength* below), used only to size the mask token.
//
// Buffer
//   u8  kRecordsFormatVersion
//   u   seq: the batch's sequence number. The glue owns the delivery
//       protocol (order, retries, re-encoding after a lost worker reply), so
//       it numbers batches: 0, 1, 2, ... per page view.
//   u   epoch ms of the buffer's time base
//   u   flags (kRecordsFlag*; unknown bits are refused)
//   record*
//
// Records start with a one-byte tag. Timed records then carry `dt u`: ms after
// the previous timed record (the first: after the time base). Structural
// records (NODE, REMOVE, ATTR, TEXT and the *_END tags) carry no time and may
// appear only between a *_BEGIN and its *_END.
//
//   0x01 META        dt u, url s, referrer s, title s, viewport_w u,
//                    viewport_h u, screen_w u, screen_h u, dpr_x100 u, device u,
//                    previous_page_view s
//   0x02 SNAP_BEGIN  dt u, scroll_x i, scroll_y i, flags u (bit 0: checkpoint)
//   0x03 SNAP_END
//   0x04 MUT_BEGIN   dt u
//   0x05 MUT_END
//   0x06 NODE        id u, parent u, prev u, node_type u, ns u, flags u,
//                    name s, value s, attr_count u, {name s, value s}*
//   0x07 REMOVE      id u                              (mutation only)
//   0x08 ATTR        id u, flags u, name s, removed u, [value s if removed == 0]
//   0x09 TEXT        id u, flags u, value s
//   0x0A MOVE        dt u, count u, {dt u, x i, y i}*  (point dt: after the record)
//   0x0B CLICK       dt u, target u, x i, y i, ex i, ey i, button u
//   0x0C SCROLL      dt u, target u, x i, y i
//   0x0D INPUT       dt u, target u, flags u, value s, checked u
//   0x0E RESIZE      dt u, width u, height u
//   0x0F VISIBILITY  dt u, state u            (1 visible, 2 hidden)
//   0x10 FOCUS       dt u, target u, focused u
//   0x11 NAV         dt u, kind u, url s      (NavigationKind numbers)
//   0x12 SHEET       dt u, sheet u, owner u, flags u (bit 0: disabled),
//                    count u, {rule s}*          (StyleSheet; rules as CSS)
//   0x13 RULE        dt u, sheet u, op u, depth u, {index u}*depth,
//                    [rule s if op == 0]          (StyleRule; depth >= 1)
//   0x14 ADOPT       dt u, target u, count u, {sheet u}*
//   0x15 MEDIA       dt u, target u, action u, time_ms u, rate_x100 u,
//                    volume_x100 u, flags u (bit 0 muted, 1 paused, 2 loop)
//   0x16 IMGSRC      dt u, target u, url s
//
// Value flags (NODE, ATTR, TEXT, INPUT `flags`): kNodeFlag* below.
//
// Node ids are assigned by the glue (a WeakMap from node to id), start at 1
// (the document) and are never reused. Enum-valued fields use the numbers of
// recorder.fbs.
#ifndef RECORDER_RECORDS_H_
#define RECORDER_RECORDS_H_

#include <cstdint>

namespace recorder {

inline constexpr uint8_t kRecordsFormatVersion = 2;

// Header flags.
// The batch must start a new compression frame: the glue sent a batch out of
// band (the page-exit path on another core instance) or lost one, so the
// collector cannot rely on the previous frame's history.
inline constexpr uint32_t kRecordsFlagNewStream = 1u << 0;
// Apply the records to the core's node mirror only: the batch was already
// encoded and sent out of band (the page-exit path on the main thread's
// core), so this core produces no output for it. The seq is not consumed.
inline constexpr uint32_t kRecordsFlagMirrorOnly = 1u << 1;
inline constexpr uint32_t kRecordsKnownFlags = kRecordsFlagNewStream | kRecordsFlagMirrorOnly;

enum class RecordTag : uint8_t {
  kMeta = 0x01,
  kSnapshotBegin = 0x02,
  kSnapshotEnd = 0x03,
  kMutationBegin = 0x04,
  kMutationEnd = 0x05,
  kNode = 0x06,
  kRemove = 0x07,
  kAttr = 0x08,
  kText = 0x09,
  kMove = 0x0A,
  kClick = 0x0B,
  kScroll = 0x0C,
  kInput = 0x0D,
  kResize = 0x0E,
  kVisibility = 0x0F,
  kFocus = 0x10,
  kNavigation = 0x11,
  kSheet = 0x12,
  kRule = 0x13,
  kAdopt = 0x14,
  kMedia = 0x15,
  kImageSource = 0x16,
};

// Value flags of NODE, ATTR, TEXT and INPUT records.
inline constexpr uint32_t kNodeFlagStyleText = 1u << 0;  // text inside <style>
// Inside a region the site unmasked (privacy.unmask): the gate treats the
// value as in relaxed mode, personal-data detection included. The glue never
// sets it on a value it must not read.
inline constexpr uint32_t kNodeFlagUnmasked = 1u << 1;
inline constexpr uint32_t kNodeKnownFlags = kNodeFlagStyleText | kNodeFlagUnmasked;

// SNAP_BEGIN flags.
inline constexpr uint32_t kSnapshotFlagCheckpoint = 1u << 0;
// SHEET flags.
inline constexpr uint32_t kSheetFlagDisabled = 1u << 0;
// MEDIA flags.
inline constexpr uint32_t kMediaFlagMuted = 1u << 0;
inline constexpr uint32_t kMediaFlagPaused = 1u << 1;
inline constexpr uint32_t kMediaFlagLoop = 1u << 2;
// Deepest RULE index path: CSS nests grouping rules, but not this deep in
// any real sheet.
inline constexpr uint32_t kMaxRulePathDepth = 32;

// Length classes of a value the glue masked without sending.
inline constexpr uint32_t kLengthEmpty = 0;   // ""
inline constexpr uint32_t kLengthShort = 1;   // 1..16 characters
inline constexpr uint32_t kLengthMedium = 2;  // 17..64
inline constexpr uint32_t kLengthLong = 3;    // 65..256
inline constexpr uint32_t kLengthHuge = 4;    // more

}  // namespace recorder

#endif  // RECORDER_RECORDS_H_
