// tree_mirror.h: what a replayer holds at the end of the last batch.
//
// The core sees every node and change it encodes, so it can keep the
// replayer-visible state itself and write periodic full snapshots
// (checkpoints) in the Worker, at no cost to the page. The mirror is fed
// from finished batches (the wire form, in the replayer's order: removes,
// adds, attributes, texts) and keeps:
//  - the node tree: id, parent, sibling order, type, namespace, name, value,
//    attributes. A Fragment under an element is its shadow root, a Document
//    under an element its frame's document: "attached" to the host, outside
//    the child order, written right after the host as the snapshot does;
//  - per-target state: form values (last Input), scroll positions (last
//    Scroll), stylesheets (the last full list with top-level rule inserts and
//    deletes applied; deeper ops kept in order after it), adopted sheets,
//    media, image sources; and the viewport.
// Removing a node removes its subtree and every per-target entry of those
// ids, so a long session with churn stays at the size of the live page.
//
// Strings are MirroredStrings: copies of the batch's gated strings.
//
// Bounded: past `max_nodes` nodes or `max_bytes` of estimated memory the
// mirror drops everything and ignores batches until the glue's next
// FullSnapshot (drops() counts it).
#ifndef RECORDER_SRC_TREE_MIRROR_H_
#define RECORDER_SRC_TREE_MIRROR_H_

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "batch_builder.h"
#include "mirrored_string.h"
#include "recorder/node_view.h"
#include "recorder_generated.h"

namespace recorder {

class TreeMirror {
 public:
  TreeMirror(size_t max_nodes, size_t max_bytes) : max_nodes_(max_nodes), max_bytes_(max_bytes) {}

  // Applies a finished batch (`strings`: the builder that made it, whose
  // table the batch indexes), skipping its first `skip` events (a
  // checkpoint the core itself wrote from this mirror).
  void Apply(const rec::wire::Batch& batch, const BatchBuilder& strings, size_t skip = 0);

  // Writes the checkpoint events into `b` at time `t`: a FullSnapshot with
  // checkpoint set, then the state events a replayer needs to stand at that
  // moment without earlier batches. `now_ms` (epoch) advances playing media.
  // Returns the number of events written. Requires valid().
  size_t WriteCheckpoint(BatchBuilder& b, uint32_t t, uint64_t now_ms) const;

  // Forgets everything; batches are ignored until the next FullSnapshot.
  void Drop();

  // Holds a whole page: a FullSnapshot came and nothing dropped it since.
  bool valid() const { return valid_; }
  size_t node_count() const { return nodes_.size(); }
  size_t bytes() const { return bytes_; }
  uint64_t drops() const { return drops_; }
  // Epoch ms of the last FullSnapshot applied or checkpoint noted; 0: none.
  uint64_t last_snapshot_ms() const { return last_snapshot_ms_; }
  void NoteCheckpoint(uint64_t ms) { last_snapshot_ms_ = ms; }

 private:
  struct Node {
    uint32_t parent = 0;
    uint32_t first = 0, last = 0;  // children
    uint32_t prev = 0, next = 0;   // siblings
    uint32_t attached = 0;         // shadow root or frame document
    bool is_attached = false;      // this node is one
    uint8_t type = 0;
    uint8_t ns = 0;
    MirroredString name;
    MirroredString value;
    std::vector<std::pair<MirroredString, MirroredString>> attrs;
  };
  struct InputState {
    MirroredString value;
    bool checked = false;
  };
  struct RuleOp {
    uint8_t op = 0;
    std::vector<uint32_t> path;
    MirroredString rule;
  };
  struct Sheet {
    uint32_t owner = 0;
    bool disabled = false;
    // A <style> sheet the glue never listed: its rules come from the
    // element's text, so only the ops are known (and written).
    bool implicit = false;
    std::vector<MirroredString> rules;
    // Once a nested op arrived, every later op is kept here in order
    // (a top-level change would shift the indexes of nested paths).
    std::vector<RuleOp> ops;
  };
  struct MediaState {
    uint8_t action = 0;
    uint32_t time_ms = 0;
    uint16_t rate_x100 = 100;
    uint8_t volume_x100 = 100;
    bool muted = false, paused = true, loop = false;
    uint64_t at_ms = 0;  // epoch ms of the event
  };

  void Reset();
  void ApplySnapshot(const rec::wire::FullSnapshot& s, const BatchBuilder& str, uint64_t at_ms);
  void ApplyMutation(const rec::wire::Mutation& m, const BatchBuilder& str);
  void AddNode(const WireNode& n, const BatchBuilder& str);
  void RemoveSubtree(uint32_t id);
  void Unlink(uint32_t id, Node& n);
  void ForgetTarget(uint32_t id);
  void ApplySheet(const rec::wire::StyleSheet& s, const BatchBuilder& str);
  void ApplyRule(const rec::wire::StyleRule& r, const BatchBuilder& str);
  void Charge(size_t add, size_t remove) { bytes_ = bytes_ + add - remove; }
  static size_t NodeCost(const Node& n);
  static size_t SheetCost(const Sheet& s);
  void CheckCap();

  void WriteNodes(BatchBuilder& b, NodeColumnsBuilder* out) const;

  size_t max_nodes_;
  size_t max_bytes_;
  bool valid_ = false;
  size_t bytes_ = 0;
  uint64_t drops_ = 0;
  uint64_t last_snapshot_ms_ = 0;
  uint32_t root_ = 0;
  std::unordered_map<uint32_t, Node> nodes_;
  std::unordered_map<uint32_t, InputState> inputs_;
  std::unordered_map<uint32_t, std::pair<int32_t, int32_t>> scrolls_;
  std::unordered_map<uint32_t, Sheet> sheets_;
  std::unordered_map<uint32_t, std::vector<uint32_t>> adopted_;
  std::unordered_map<uint32_t, MediaState> media_;
  std::unordered_map<uint32_t, MirroredString> images_;
  uint16_t viewport_w_ = 0, viewport_h_ = 0;
  // Reused by RemoveSubtree.
  std::vector<uint32_t> stack_;
};

}  // namespace recorder

#endif  // RECORDER_SRC_TREE_MIRROR_H_
