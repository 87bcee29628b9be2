// node_view.h: the nodes of a FullSnapshot or a Mutation's adds, whichever
// wire form carries them.
//
// Schema version 3 writers put nodes in NodeColumns (FullSnapshot.columns,
// Mutation.added); versions 1 and 2 wrote a table per node ([Node] in
// FullSnapshot.nodes, Mutation.adds). Every reader (the core's node mirror,
// the collector's validation and JSON decoder, tests) goes through NodeReader
// so that neither form is read twice over.
//
// Header-only: the collector includes it without linking the core's
// internals.
#ifndef RECORDER_INCLUDE_RECORDER_NODE_VIEW_H_
#define RECORDER_INCLUDE_RECORDER_NODE_VIEW_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "recorder_generated.h"

namespace recorder {

// One node as plain values; string fields index the batch's string table
// (wire_strings.h).
struct WireNode {
  uint32_t id = 0;
  uint32_t parent = 0;
  uint32_t prev = 0;
  uint8_t type = 0;  // rec::wire::NodeType
  uint8_t ns = 0;    // rec::wire::Namespace
  uint32_t name = 0;
  uint32_t value = 0;
  std::vector<rec::wire::Attr> attrs;  // kept between Next() calls, so reused
};

// Iterates nodes in wire order. Columns win when a table carries both (the
// collector refuses such a batch). Memory-safe on any verified FlatBuffer:
// a short column reads as zeros and attribute runs stop at the end of
// `attrs`; the values are meaningful on input that the collector's checks
// (or the core's own writer) vouch for. Id arithmetic wraps in uint32, which
// the collector's checks make unreachable.
class NodeReader {
 public:
  using NodeVector = flatbuffers::Vector<flatbuffers::Offset<rec::wire::Node>>;

  NodeReader(const NodeVector* nodes, const rec::wire::NodeColumns* columns)
      : nodes_(columns != nullptr ? nullptr : nodes), cols_(columns) {
    if (cols_ != nullptr) {
      size_ = cols_->id_delta() ? cols_->id_delta()->size() : 0;
    } else if (nodes_ != nullptr) {
      size_ = nodes_->size();
    }
  }
  static NodeReader Of(const rec::wire::FullSnapshot& s) { return NodeReader(s.nodes(), s.columns()); }
  static NodeReader Of(const rec::wire::Mutation& m) { return NodeReader(m.adds(), m.added()); }

  size_t size() const { return size_; }
  bool columnar() const { return cols_ != nullptr; }

  // Fills `out` with the next node; false once all were read.
  bool Next(WireNode* out) {
    if (next_ >= size_) return false;
    const uint32_t i = static_cast<uint32_t>(next_++);
    out->attrs.clear();
    if (cols_ == nullptr) {
      const rec::wire::Node* n = nodes_->Get(i);
      out->id = n->id();
      out->parent = n->parent();
      out->prev = n->prev();
      out->type = static_cast<uint8_t>(n->type());
      out->ns = static_cast<uint8_t>(n->ns());
      out->name = n->name();
      out->value = n->value();
      if (const auto* attrs = n->attrs()) {
        for (const rec::wire::Attr* a : *attrs) out->attrs.push_back(*a);
      }
      return true;
    }
    const rec::wire::NodeColumns& c = *cols_;
    last_id_ += At(c.id_delta(), i);
    out->id = last_id_;
    out->parent = last_id_ - At(c.parent_delta(), i);
    const uint32_t prev_delta = At(c.prev_delta(), i);
    out->prev = prev_delta == 0 ? 0 : last_id_ - prev_delta;
    out->type = static_cast<uint8_t>(At(c.type(), i));
    out->ns = static_cast<uint8_t>(At(c.ns(), i));
    out->name = At(c.name(), i);
    out->value = At(c.value(), i);
    const auto* attrs = c.attrs();
    const uint32_t available = attrs ? attrs->size() - attr_next_ : 0;
    const uint32_t count = std::min(At(c.attr_count(), i), available);
    for (uint32_t k = 0; k < count; ++k) out->attrs.push_back(*attrs->Get(attr_next_ + k));
    attr_next_ += count;
    return true;
  }

 private:
  // Element i as uint32 (int deltas wrap by design), 0 past the end.
  template <typename T>
  static uint32_t At(const flatbuffers::Vector<T>* v, uint32_t i) {
    return v != nullptr && i < v->size() ? static_cast<uint32_t>(v->Get(i)) : 0;
  }

  const NodeVector* nodes_ = nullptr;
  const rec::wire::NodeColumns* cols_ = nullptr;
  size_t size_ = 0;
  size_t next_ = 0;
  uint32_t last_id_ = 0;
  uint32_t attr_next_ = 0;
};

}  // namespace recorder

#endif  // RECORDER_INCLUDE_RECORDER_NODE_VIEW_H_
