// TreeMirror's writing half: the mirror as a checkpoint, in the order a
// replayer applies it (tree first, then the sheets adopted lists refer to,
// then per-target state). Targets are written in id order so the same
// state always gives the same bytes.
#include <algorithm>
#include <limits>

#include "tree_mirror.h"

namespace recorder {
namespace wire = rec::wire;

namespace {

template <typename Map>
std::vector<uint32_t> SortedKeys(const Map& m) {
  std::vector<uint32_t> keys;
  keys.reserve(m.size());
  for (const auto& kv : m) keys.push_back(kv.first);
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

void TreeMirror::WriteNodes(BatchBuilder& b, NodeColumnsBuilder* out) const {
  std::vector<wire::Attr> attrs;
  std::vector<uint32_t> stack;
  if (root_ != 0) stack.push_back(root_);
  while (!stack.empty()) {
    uint32_t id = stack.back();
    stack.pop_back();
    const Node& n = nodes_.at(id);
    // Interned in the order the per-node tables used (attributes first), so
    // a checkpoint's string table comes out as it did before columns.
    attrs.clear();
    for (const auto& [name, value] : n.attrs) attrs.emplace_back(b.Intern(name), b.Intern(value));
    uint32_t name = b.Intern(n.name);
    uint32_t value = b.Intern(n.value);
    out->Add(id, n.parent, n.is_attached ? 0 : n.prev, n.type, n.ns, name, value);
    for (const wire::Attr& a : attrs) out->AddAttr(a.name(), a.value());
    // Pre-order; a host's shadow root or frame document right after it,
    // before its children, as the glue's snapshot lists them.
    size_t mark = stack.size();
    for (uint32_t c = n.first; c != 0; c = nodes_.at(c).next) stack.push_back(c);
    std::reverse(stack.begin() + static_cast<ptrdiff_t>(mark), stack.end());
    if (n.attached != 0) stack.push_back(n.attached);
  }
}

size_t TreeMirror::WriteCheckpoint(BatchBuilder& b, uint32_t t, uint64_t now_ms) const {
  auto& fbb = b.fbb();
  size_t before = b.event_count();

  NodeColumnsBuilder nodes;
  WriteNodes(b, &nodes);
  std::pair<int32_t, int32_t> root_scroll{0, 0};
  if (auto it = scrolls_.find(root_); it != scrolls_.end()) root_scroll = it->second;
  auto columns = nodes.Finish(fbb);
  b.AddEvent(t, wire::Payload::FullSnapshot,
             wire::CreateFullSnapshot(fbb, 0, root_scroll.first, root_scroll.second, true, columns).Union());

  if (viewport_w_ != 0 && viewport_h_ != 0) {
    b.AddEvent(t, wire::Payload::Resize, wire::CreateResize(fbb, viewport_w_, viewport_h_).Union());
  }

  std::vector<uint32_t> indexes;
  for (uint32_t id : SortedKeys(sheets_)) {
    const Sheet& sh = sheets_.at(id);
    if (!sh.implicit) {
      indexes.clear();
      for (const MirroredString& r : sh.rules) indexes.push_back(b.Intern(r));
      auto rules = fbb.CreateVector(indexes);
      b.AddEvent(t, wire::Payload::StyleSheet,
                 wire::CreateStyleSheet(fbb, id, sh.owner, rules, sh.disabled).Union());
    }
    for (const RuleOp& op : sh.ops) {
      uint32_t rule = b.Intern(op.rule);
      auto path = fbb.CreateVector(op.path);
      b.AddEvent(t, wire::Payload::StyleRule,
                 wire::CreateStyleRule(fbb, id, static_cast<wire::RuleOp>(op.op), path, rule).Union());
    }
  }
  for (uint32_t id : SortedKeys(adopted_)) {
    auto sheets = fbb.CreateVector(adopted_.at(id));
    b.AddEvent(t, wire::Payload::AdoptedSheets, wire::CreateAdoptedSheets(fbb, id, sheets).Union());
  }
  for (uint32_t id : SortedKeys(inputs_)) {
    const InputState& in = inputs_.at(id);
    uint32_t value = b.Intern(in.value);
    b.AddEvent(t, wire::Payload::Input, wire::CreateInput(fbb, id, value, in.checked).Union());
  }
  for (uint32_t id : SortedKeys(scrolls_)) {
    if (id == root_) continue;  // the snapshot carries it
    const auto& [x, y] = scrolls_.at(id);
    b.AddEvent(t, wire::Payload::Scroll, wire::CreateScroll(fbb, id, x, y).Union());
  }
  for (uint32_t id : SortedKeys(media_)) {
    const MediaState& m = media_.at(id);
    uint64_t time_ms = m.time_ms;
    // A playing element has moved on since its last event.
    if (!m.paused && now_ms > m.at_ms) time_ms += (now_ms - m.at_ms) * m.rate_x100 / 100;
    time_ms = std::min<uint64_t>(time_ms, std::numeric_limits<uint32_t>::max());
    b.AddEvent(t, wire::Payload::Media,
               wire::CreateMedia(fbb, id, static_cast<wire::MediaAction>(m.action), static_cast<uint32_t>(time_ms),
                                 m.rate_x100, m.volume_x100, m.muted, m.paused, m.loop)
                   .Union());
  }
  for (uint32_t id : SortedKeys(images_)) {
    uint32_t url = b.Intern(images_.at(id));
    b.AddEvent(t, wire::Payload::ImageSource, wire::CreateImageSource(fbb, id, url).Union());
  }
  return b.event_count() - before;
}

}  // namespace recorder
