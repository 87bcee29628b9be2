// batch_builder.h: assembles one wire Batch (recorder.fbs).
//
// FlatBuffers wants children finished before their parents, so the builder
// keeps the open snapshot or mutation's parts in vectors and creates the
// table when the group closes. Strings go into a per-batch table, deduplicated,
// and only as GatedString: the gate is the only way in.
#ifndef RECORDER_SRC_BATCH_BUILDER_H_
#define RECORDER_SRC_BATCH_BUILDER_H_

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "masking_gate.h"
#include "mirrored_string.h"
#include "recorder_generated.h"

namespace recorder {

struct BatchHeader {
  GatedString site_key;
  GatedString session_id;
  GatedString page_view_id;
  uint32_t seq = 0;
  uint64_t base_time = 0;
};

// The nodes of one snapshot or mutation, gathered as NodeColumns (see
// recorder.fbs): ids become deltas as they are added.
class NodeColumnsBuilder {
 public:
  void Clear();
  bool empty() const { return id_delta_.empty(); }
  size_t size() const { return id_delta_.size(); }

  // `prev` 0: first child (or not in the sibling order).
  void Add(uint32_t id, uint32_t parent, uint32_t prev, uint8_t type, uint8_t ns, uint32_t name,
           uint32_t value);
  // An attribute of the node added last.
  void AddAttr(uint32_t name, uint32_t value);

  flatbuffers::Offset<rec::wire::NodeColumns> Finish(flatbuffers::FlatBufferBuilder& fbb) const;

 private:
  uint32_t last_id_ = 0;
  std::vector<int32_t> id_delta_, parent_delta_, prev_delta_;
  std::vector<uint8_t> type_, ns_;
  std::vector<uint32_t> name_, value_, attr_count_;
  std::vector<rec::wire::Attr> attrs_;
};

class BatchBuilder {
 public:
  BatchBuilder();

  // Drops everything; the builder's memory is kept for the next batch.
  void Reset();

  // The index of `s` in this batch's string table.
  uint32_t Intern(const GatedString& s);
  // The same for a string the node mirror kept from an earlier batch.
  uint32_t Intern(const MirroredString& s);
  // A copy of string `index` of this batch's table ("" when out of range),
  // for the node mirror.
  MirroredString Mirror(uint32_t index) const;

  flatbuffers::FlatBufferBuilder& fbb() { return fbb_; }

  // Appends an event whose payload table the caller has just created.
  void AddEvent(uint32_t t, rec::wire::Payload type, flatbuffers::Offset<void> payload);

  // Snapshot and mutation groups: parts accumulate until the group ends.
  NodeColumnsBuilder& nodes() { return nodes_; }
  std::vector<uint32_t>& removes() { return removes_; }
  std::vector<rec::wire::AttrChange>& attr_changes() { return attr_changes_; }
  std::vector<rec::wire::TextChange>& text_changes() { return text_changes_; }
  void ClearGroup();

  size_t event_count() const { return events_.size(); }
  // Whether the batch holds a FullSnapshot.
  bool has_snapshot() const { return has_snapshot_; }
  // Moves the last `n` events to the front, in their order: a checkpoint is
  // written after the batch's own events but must come first on the wire.
  void MoveLastToFront(size_t n);

  // Writes the string table and the Batch; the result is fbb().GetBufferSpan().
  void Finish(const BatchHeader& header);

 private:
  flatbuffers::FlatBufferBuilder fbb_;
  std::unordered_map<std::string_view, uint32_t> index_;
  std::vector<std::string_view> strings_;
  std::vector<flatbuffers::Offset<rec::wire::Event>> events_;
  NodeColumnsBuilder nodes_;
  std::vector<uint32_t> removes_;
  std::vector<rec::wire::AttrChange> attr_changes_;
  std::vector<rec::wire::TextChange> text_changes_;
  bool has_snapshot_ = false;
};

}  // namespace recorder

#endif  // RECORDER_SRC_BATCH_BUILDER_H_
