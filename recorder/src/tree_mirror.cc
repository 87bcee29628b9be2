#include "tree_mirror.h"

#include <algorithm>

namespace recorder {
namespace wire = rec::wire;

namespace {

// Rough per-entry costs of the containers (hash node, vector slot): what
// the byte cap measures is memory, not just the strings.
constexpr size_t kMapEntry = 48;
constexpr size_t kAttrCost = 2 * sizeof(MirroredString);

// Heap bytes a string holds beyond its object (short strings live inline).
size_t Heap(const MirroredString& s) { return s.size() > 15 ? s.size() + 1 : 0; }

bool IsAttachedRoot(uint8_t type) {
  return type == static_cast<uint8_t>(wire::NodeType::Fragment) ||
         type == static_cast<uint8_t>(wire::NodeType::Document);
}

}  // namespace

size_t TreeMirror::NodeCost(const Node& n) {
  size_t c = kMapEntry + sizeof(Node) + Heap(n.name) + Heap(n.value) + n.attrs.capacity() * kAttrCost;
  for (const auto& [name, value] : n.attrs) c += Heap(name) + Heap(value);
  return c;
}

size_t TreeMirror::SheetCost(const Sheet& s) {
  size_t c = kMapEntry + sizeof(Sheet) + s.rules.capacity() * sizeof(MirroredString);
  for (const MirroredString& r : s.rules) c += Heap(r);
  for (const RuleOp& op : s.ops) c += sizeof(RuleOp) + op.path.size() * 4 + Heap(op.rule);
  return c;
}

void TreeMirror::Reset() {
  nodes_.clear();
  inputs_.clear();
  scrolls_.clear();
  sheets_.clear();
  adopted_.clear();
  media_.clear();
  images_.clear();
  root_ = 0;
  bytes_ = 0;
}

void TreeMirror::Drop() {
  Reset();
  // Give the memory back, not just the entries.
  std::unordered_map<uint32_t, Node>().swap(nodes_);
  valid_ = false;
}

void TreeMirror::CheckCap() {
  if (nodes_.size() > max_nodes_ || bytes_ > max_bytes_) {
    Drop();
    drops_ += 1;
  }
}

void TreeMirror::Apply(const wire::Batch& batch, const BatchBuilder& str, size_t skip) {
  const auto* events = batch.events();
  if (events == nullptr) return;
  for (size_t i = skip; i < events->size(); ++i) {
    const wire::Event* ev = events->Get(static_cast<flatbuffers::uoffset_t>(i));
    uint64_t at = batch.base_time() + ev->t();
    switch (ev->payload_type()) {
      case wire::Payload::PageMeta: {
        const auto* m = ev->payload_as_PageMeta();
        viewport_w_ = m->viewport_w();
        viewport_h_ = m->viewport_h();
        break;
      }
      case wire::Payload::Resize: {
        const auto* r = ev->payload_as_Resize();
        viewport_w_ = r->width();
        viewport_h_ = r->height();
        break;
      }
      case wire::Payload::FullSnapshot:
        ApplySnapshot(*ev->payload_as_FullSnapshot(), str, at);
        break;
      default:
        break;
    }
    if (!valid_) continue;
    switch (ev->payload_type()) {
      case wire::Payload::Mutation:
        ApplyMutation(*ev->payload_as_Mutation(), str);
        break;
      case wire::Payload::Scroll: {
        const auto* s = ev->payload_as_Scroll();
        if (nodes_.count(s->target()) == 0) break;
        if (scrolls_.emplace(s->target(), std::make_pair(s->x(), s->y())).second) {
          Charge(kMapEntry, 0);
        } else {
          scrolls_[s->target()] = {s->x(), s->y()};
        }
        break;
      }
      case wire::Payload::Input: {
        const auto* in = ev->payload_as_Input();
        if (nodes_.count(in->target()) == 0) break;
        auto found = inputs_.find(in->target());
        size_t before = found == inputs_.end() ? 0 : kMapEntry + Heap(found->second.value);
        InputState& st = inputs_[in->target()];
        st.value = str.Mirror(in->value());
        st.checked = in->checked();
        Charge(kMapEntry + Heap(st.value), before);
        break;
      }
      case wire::Payload::StyleSheet:
        ApplySheet(*ev->payload_as_StyleSheet(), str);
        break;
      case wire::Payload::StyleRule:
        ApplyRule(*ev->payload_as_StyleRule(), str);
        break;
      case wire::Payload::AdoptedSheets: {
        const auto* a = ev->payload_as_AdoptedSheets();
        if (nodes_.count(a->target()) == 0) break;
        auto found = adopted_.find(a->target());
        size_t before = found == adopted_.end() ? 0 : kMapEntry + found->second.size() * 4;
        std::vector<uint32_t>& list = adopted_[a->target()];
        list.clear();
        if (a->sheets() != nullptr) list.assign(a->sheets()->begin(), a->sheets()->end());
        Charge(kMapEntry + list.size() * 4, before);
        break;
      }
      case wire::Payload::Media: {
        const auto* m = ev->payload_as_Media();
        if (nodes_.count(m->target()) == 0) break;
        if (media_.count(m->target()) == 0) Charge(kMapEntry + sizeof(MediaState), 0);
        MediaState& st = media_[m->target()];
        st = MediaState{static_cast<uint8_t>(m->action()), m->time_ms(), m->rate_x100(), m->volume_x100(),
                        m->muted(), m->paused(), m->loop(), at};
        break;
      }
      case wire::Payload::ImageSource: {
        const auto* s = ev->payload_as_ImageSource();
        if (nodes_.count(s->target()) == 0) break;
        auto it = images_.find(s->target());
        size_t before = it == images_.end() ? 0 : kMapEntry + Heap(it->second);
        MirroredString& url = images_[s->target()];
        url = str.Mirror(s->url());
        Charge(kMapEntry + Heap(url), before);
        break;
      }
      default:
        break;
    }
    CheckCap();
  }
}

void TreeMirror::ApplySnapshot(const wire::FullSnapshot& s, const BatchBuilder& str, uint64_t at_ms) {
  // A snapshot restates the tree; the replayer starts its state over too.
  Reset();
  valid_ = true;
  last_snapshot_ms_ = at_ms;
  NodeReader reader = NodeReader::Of(s);
  nodes_.reserve(reader.size());
  WireNode n;
  while (reader.Next(&n)) AddNode(n, str);
  if (root_ != 0) {
    scrolls_[root_] = {s.scroll_x(), s.scroll_y()};
    Charge(kMapEntry, 0);
  }
}

void TreeMirror::ApplyMutation(const wire::Mutation& m, const BatchBuilder& str) {
  if (m.removes() != nullptr) {
    for (uint32_t id : *m.removes()) {
      if (nodes_.count(id) != 0) RemoveSubtree(id);
    }
  }
  NodeReader adds = NodeReader::Of(m);
  WireNode added;
  while (adds.Next(&added)) AddNode(added, str);
  if (m.attrs() != nullptr) {
    for (const wire::AttrChange* a : *m.attrs()) {
      auto it = nodes_.find(a->node());
      if (it == nodes_.end() || it->second.type != static_cast<uint8_t>(wire::NodeType::Element)) continue;
      Node& n = it->second;
      size_t before = NodeCost(n);
      MirroredString name = str.Mirror(a->name());
      auto at = std::find_if(n.attrs.begin(), n.attrs.end(), [&](const auto& p) { return p.first == name; });
      if (a->removed()) {
        if (at != n.attrs.end()) n.attrs.erase(at);
      } else if (at != n.attrs.end()) {
        at->second = str.Mirror(a->value());
      } else {
        n.attrs.emplace_back(std::move(name), str.Mirror(a->value()));
      }
      Charge(NodeCost(n), before);
    }
  }
  if (m.texts() != nullptr) {
    for (const wire::TextChange* t : *m.texts()) {
      auto it = nodes_.find(t->node());
      if (it == nodes_.end()) continue;
      size_t before = NodeCost(it->second);
      it->second.value = str.Mirror(t->value());
      Charge(NodeCost(it->second), before);
    }
  }
}

// As the replayer's add: an id it still has is replaced; a root must be a
// Document; an unknown parent drops the node; an unknown previous sibling
// appends it.
void TreeMirror::AddNode(const WireNode& w, const BatchBuilder& str) {
  uint32_t id = w.id;
  if (nodes_.count(id) != 0) RemoveSubtree(id);
  uint8_t type = w.type;
  uint32_t parent_id = w.parent;
  if (parent_id == 0) {
    if (type != static_cast<uint8_t>(wire::NodeType::Document)) return;
    if (root_ != 0 && nodes_.count(root_) != 0) RemoveSubtree(root_);
    root_ = id;
  } else if (nodes_.count(parent_id) == 0) {
    return;
  }
  Node n;
  n.parent = parent_id;
  n.type = type;
  n.ns = w.ns;
  n.name = str.Mirror(w.name);
  n.value = str.Mirror(w.value);
  n.attrs.reserve(w.attrs.size());
  for (const wire::Attr& a : w.attrs) n.attrs.emplace_back(str.Mirror(a.name()), str.Mirror(a.value()));
  if (parent_id != 0) {
    Node& p = nodes_[parent_id];
    if (IsAttachedRoot(type) && p.type == static_cast<uint8_t>(wire::NodeType::Element)) {
      uint32_t old = p.attached;
      if (old != 0 && nodes_.count(old) != 0) RemoveSubtree(old);
      Node& host = nodes_[parent_id];  // RemoveSubtree may rehash: look again
      host.attached = id;
      n.is_attached = true;
    } else {
      uint32_t prev = w.prev;
      auto pit = prev == 0 ? nodes_.end() : nodes_.find(prev);
      bool known_prev = pit != nodes_.end() && pit->second.parent == parent_id && !pit->second.is_attached;
      if (prev != 0 && !known_prev) prev = p.last;  // unknown: appended
      n.prev = prev;
      n.next = prev == 0 ? p.first : nodes_[prev].next;
      if (prev == 0) {
        p.first = id;
      } else {
        nodes_[prev].next = id;
      }
      if (n.next == 0) {
        p.last = id;
      } else {
        nodes_[n.next].prev = id;
      }
    }
  }
  size_t cost = NodeCost(n);
  nodes_.emplace(id, std::move(n));
  Charge(cost, 0);
}

void TreeMirror::Unlink(uint32_t id, Node& n) {
  if (n.parent == 0) {
    if (root_ == id) root_ = 0;
    return;
  }
  auto pit = nodes_.find(n.parent);
  if (pit == nodes_.end()) return;
  Node& p = pit->second;
  if (n.is_attached) {
    if (p.attached == id) p.attached = 0;
    return;
  }
  if (n.prev != 0) {
    nodes_[n.prev].next = n.next;
  } else {
    p.first = n.next;
  }
  if (n.next != 0) {
    nodes_[n.next].prev = n.prev;
  } else {
    p.last = n.prev;
  }
}

void TreeMirror::RemoveSubtree(uint32_t id) {
  auto it = nodes_.find(id);
  if (it == nodes_.end()) return;
  Unlink(id, it->second);
  // Iterative: a deep page must not overflow the Wasm stack.
  stack_.clear();
  stack_.push_back(id);
  while (!stack_.empty()) {
    uint32_t cur = stack_.back();
    stack_.pop_back();
    auto nit = nodes_.find(cur);
    if (nit == nodes_.end()) continue;
    const Node& n = nit->second;
    if (n.attached != 0) stack_.push_back(n.attached);
    for (uint32_t c = n.first; c != 0;) {
      stack_.push_back(c);
      auto cit = nodes_.find(c);
      c = cit == nodes_.end() ? 0 : cit->second.next;
    }
    Charge(0, NodeCost(n));
    nodes_.erase(nit);
    ForgetTarget(cur);
  }
}

void TreeMirror::ForgetTarget(uint32_t id) {
  if (auto it = inputs_.find(id); it != inputs_.end()) {
    Charge(0, kMapEntry + Heap(it->second.value));
    inputs_.erase(it);
  }
  if (scrolls_.erase(id) != 0) Charge(0, kMapEntry);
  if (auto it = sheets_.find(id); it != sheets_.end()) {
    Charge(0, SheetCost(it->second));
    sheets_.erase(it);
  }
  if (auto it = adopted_.find(id); it != adopted_.end()) {
    Charge(0, kMapEntry + it->second.size() * 4);
    adopted_.erase(it);
  }
  if (media_.erase(id) != 0) Charge(0, kMapEntry + sizeof(MediaState));
  if (auto it = images_.find(id); it != images_.end()) {
    Charge(0, kMapEntry + Heap(it->second));
    images_.erase(it);
  }
}

void TreeMirror::ApplySheet(const wire::StyleSheet& s, const BatchBuilder& str) {
  // An owned sheet lives and dies with its owner node; one whose owner is
  // unknown would never be released.
  if (s.owner() != 0 && nodes_.count(s.owner()) == 0) return;
  auto it = sheets_.find(s.sheet());
  if (it != sheets_.end()) Charge(0, SheetCost(it->second));
  Sheet& sh = sheets_[s.sheet()];
  sh = Sheet{};
  sh.owner = s.owner();
  sh.disabled = s.disabled();
  if (s.rules() != nullptr) {
    sh.rules.reserve(s.rules()->size());
    for (uint32_t r : *s.rules()) sh.rules.push_back(str.Mirror(r));
  }
  Charge(SheetCost(sh), 0);
}

void TreeMirror::ApplyRule(const wire::StyleRule& r, const BatchBuilder& str) {
  if (r.path() == nullptr || r.path()->size() == 0) return;
  auto it = sheets_.find(r.sheet());
  if (it == sheets_.end()) {
    // The replayer changes the owner element's own sheet.
    if (nodes_.count(r.sheet()) == 0) return;
    Sheet implicit;
    implicit.owner = r.sheet();
    implicit.implicit = true;
    Charge(SheetCost(implicit), 0);
    it = sheets_.emplace(r.sheet(), std::move(implicit)).first;
  }
  Sheet& sh = it->second;
  size_t before = SheetCost(sh);
  bool insert = r.op() == wire::RuleOp::Insert;
  if (sh.ops.empty() && !sh.implicit && r.path()->size() == 1) {
    size_t index = r.path()->Get(0);
    if (insert && index <= sh.rules.size()) {
      sh.rules.insert(sh.rules.begin() + static_cast<ptrdiff_t>(index), str.Mirror(r.rule()));
    } else if (!insert && index < sh.rules.size()) {
      sh.rules.erase(sh.rules.begin() + static_cast<ptrdiff_t>(index));
    }
  } else {
    RuleOp op;
    op.op = static_cast<uint8_t>(r.op());
    op.path.assign(r.path()->begin(), r.path()->end());
    if (insert) op.rule = str.Mirror(r.rule());
    sh.ops.push_back(std::move(op));
  }
  Charge(SheetCost(sh), before);
}

}  // namespace recorder
