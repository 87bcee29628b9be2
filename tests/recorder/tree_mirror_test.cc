// The node mirror and checkpoints (recorder/src/tree_mirror.*,
// checkpoint_writer.cc), end to end through Recorder: records in, batches
// out, and a small replayer of our own here that turns batches into one
// canonical text. A checkpoint is right when replaying it alone gives the
// same text as replaying the whole history before it.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "record_writer.h"
#include "recorder/recorder.h"
#include "recorder/node_view.h"
#include "recorder/wire_strings.h"
#include "recorder_generated.h"

namespace recorder {
namespace {

using testing::RecordWriter;
namespace wire = rec::wire;

constexpr uint64_t kT0 = 1700000000000ULL;
constexpr uint32_t kElement = 1, kText = 3, kDocument = 9, kDoctype = 10, kFragment = 11;

// --- Records -------------------------------------------------------------

struct W : RecordWriter {
  explicit W(uint32_t seq, uint64_t time_base, uint32_t flags = 0) : RecordWriter(seq, time_base, flags) {}
  W& SnapBegin(uint32_t dt, int32_t sx = 0, int32_t sy = 0) {
    Tag(RecordTag::kSnapshotBegin).U(dt).I(sx).I(sy).U(0);
    return *this;
  }
  W& SnapEnd() { Tag(RecordTag::kSnapshotEnd); return *this; }
  W& MutBegin(uint32_t dt) { Tag(RecordTag::kMutationBegin).U(dt); return *this; }
  W& MutEnd() { Tag(RecordTag::kMutationEnd); return *this; }
  W& N(uint32_t id, uint32_t parent, uint32_t prev, uint32_t type, std::string_view name,
       std::string_view value = "", std::vector<std::pair<std::string_view, std::string_view>> attrs = {}) {
    Node(id, parent, prev, type, name, value, std::move(attrs));
    return *this;
  }
  W& Remove(uint32_t id) { Tag(RecordTag::kRemove).U(id); return *this; }
  W& SetAttr(uint32_t id, std::string_view name, std::string_view value) {
    Tag(RecordTag::kAttr).U(id).U(0).S(name).U(0).S(value);
    return *this;
  }
  W& DelAttr(uint32_t id, std::string_view name) {
    Tag(RecordTag::kAttr).U(id).U(0).S(name).U(1);
    return *this;
  }
  W& Text(uint32_t id, std::string_view value) { Tag(RecordTag::kText).U(id).U(0).S(value); return *this; }
  W& Scroll(uint32_t dt, uint32_t target, int32_t x, int32_t y) {
    Tag(RecordTag::kScroll).U(dt).U(target).I(x).I(y);
    return *this;
  }
  W& Input(uint32_t dt, uint32_t target, std::string_view value, bool checked = false) {
    Tag(RecordTag::kInput).U(dt).U(target).U(0).S(value).U(checked ? 1 : 0);
    return *this;
  }
  W& Sheet(uint32_t dt, uint32_t sheet, uint32_t owner, std::vector<std::string_view> rules) {
    Tag(RecordTag::kSheet).U(dt).U(sheet).U(owner).U(0).U(rules.size());
    for (auto r : rules) S(r);
    return *this;
  }
  W& Rule(uint32_t dt, uint32_t sheet, uint32_t op, std::vector<uint32_t> path, std::string_view rule = "") {
    Tag(RecordTag::kRule).U(dt).U(sheet).U(op).U(path.size());
    for (uint32_t i : path) U(i);
    if (op == 0) S(rule);
    return *this;
  }
  W& Adopt(uint32_t dt, uint32_t target, std::vector<uint32_t> sheets) {
    Tag(RecordTag::kAdopt).U(dt).U(target).U(sheets.size());
    for (uint32_t s : sheets) U(s);
    return *this;
  }
  W& Media(uint32_t dt, uint32_t target, uint32_t action, uint32_t time_ms, bool paused) {
    Tag(RecordTag::kMedia).U(dt).U(target).U(action).U(time_ms).U(100).U(100).U(paused ? kMediaFlagPaused : 0);
    return *this;
  }
  W& Img(uint32_t dt, uint32_t target, std::string_view url) {
    Tag(RecordTag::kImageSource).U(dt).U(target).S(url);
    return *this;
  }
  W& Resize(uint32_t dt, uint32_t w, uint32_t h) { Tag(RecordTag::kResize).U(dt).U(w).U(h); return *this; }
  W& Click(uint32_t dt, uint32_t target) { RecordWriter::Click(dt, target, 1, 2); return *this; }
};

// --- A replayer of our own -------------------------------------------------

// Applies events the way js/src/replay does (removes, adds, attrs, texts; a
// Fragment or Document under an element is attached to it) and prints the
// result canonically. Per-target state of removed nodes goes with them.
class Replay {
 public:
  void ApplyBatch(const wire::Batch* b, size_t from = 0) {
    for (size_t i = from; i < b->events()->size(); ++i) Apply(b, b->events()->Get(i));
  }

  void Apply(const wire::Batch* b, const wire::Event* ev) {
    const WireStrings strings(*b);
    auto str = [&](uint32_t i) { return std::string(strings.Get(i)); };
    uint64_t at = b->base_time() + ev->t();
    switch (ev->payload_type()) {
      case wire::Payload::FullSnapshot: {
        const auto* s = ev->payload_as_FullSnapshot();
        *this = Replay();
        AddAll(NodeReader::Of(*s), str);
        if (root) scroll[root] = {s->scroll_x(), s->scroll_y()};
        break;
      }
      case wire::Payload::Mutation: {
        const auto* m = ev->payload_as_Mutation();
        if (m->removes()) for (uint32_t id : *m->removes()) Remove(id);
        AddAll(NodeReader::Of(*m), str);
        if (m->attrs()) {
          for (const auto* a : *m->attrs()) {
            if (!nodes.count(a->node())) continue;
            auto& attrs = nodes[a->node()].attrs;
            if (a->removed()) attrs.erase(str(a->name())); else attrs[str(a->name())] = str(a->value());
          }
        }
        if (m->texts()) for (const auto* t : *m->texts()) if (nodes.count(t->node())) nodes[t->node()].value = str(t->value());
        break;
      }
      case wire::Payload::Scroll: {
        const auto* s = ev->payload_as_Scroll();
        if (nodes.count(s->target())) scroll[s->target()] = {s->x(), s->y()};
        break;
      }
      case wire::Payload::Input: {
        const auto* in = ev->payload_as_Input();
        if (nodes.count(in->target())) input[in->target()] = str(in->value()) + (in->checked() ? "/on" : "/off");
        break;
      }
      case wire::Payload::StyleSheet: {
        const auto* s = ev->payload_as_StyleSheet();
        std::vector<RuleNode> rules;
        if (s->rules()) for (uint32_t r : *s->rules()) rules.push_back({str(r), {}});
        sheets[s->sheet()] = {s->owner(), rules};
        break;
      }
      case wire::Payload::StyleRule: {
        const auto* r = ev->payload_as_StyleRule();
        if (!sheets.count(r->sheet())) break;
        std::vector<RuleNode>* list = &sheets[r->sheet()].second;
        size_t depth = r->path()->size();
        for (size_t k = 0; k + 1 < depth && list; ++k) {
          uint32_t i = r->path()->Get(k);
          list = i < list->size() ? &(*list)[i].children : nullptr;
        }
        if (!list) break;
        uint32_t i = r->path()->Get(depth - 1);
        if (r->op() == wire::RuleOp::Insert && i <= list->size()) list->insert(list->begin() + i, {str(r->rule()), {}});
        if (r->op() == wire::RuleOp::Delete && i < list->size()) list->erase(list->begin() + i);
        break;
      }
      case wire::Payload::AdoptedSheets: {
        const auto* a = ev->payload_as_AdoptedSheets();
        if (nodes.count(a->target())) adopted[a->target()] = std::vector<uint32_t>(a->sheets()->begin(), a->sheets()->end());
        break;
      }
      case wire::Payload::Media: {
        const auto* m = ev->payload_as_Media();
        if (nodes.count(m->target())) media[m->target()] = {m->time_ms(), m->paused(), at};
        break;
      }
      case wire::Payload::ImageSource: {
        const auto* s = ev->payload_as_ImageSource();
        if (nodes.count(s->target())) image[s->target()] = str(s->url());
        break;
      }
      case wire::Payload::Resize:
        viewport = std::to_string(ev->payload_as_Resize()->width()) + "x" +
                   std::to_string(ev->payload_as_Resize()->height());
        break;
      case wire::Payload::PageMeta:
        viewport = std::to_string(ev->payload_as_PageMeta()->viewport_w()) + "x" +
                   std::to_string(ev->payload_as_PageMeta()->viewport_h());
        break;
      default:
        break;
    }
  }

  // The whole state at epoch ms `now` (media positions advance while playing).
  std::string Canon(uint64_t now) const {
    std::string out = "viewport " + viewport + "\n";
    if (root) Print(root, 0, &out);
    for (auto& [id, s] : sheets) {
      out += "sheet " + std::to_string(id) + " owner " + std::to_string(s.first) + "\n";
      PrintRules(s.second, 1, &out);
    }
    for (auto& [id, v] : adopted) {
      out += "adopt " + std::to_string(id) + ":";
      for (uint32_t s : v) out += " " + std::to_string(s);
      out += "\n";
    }
    for (auto& [id, v] : input) out += "input " + std::to_string(id) + " " + v + "\n";
    for (auto& [id, v] : scroll) out += "scroll " + std::to_string(id) + " " + std::to_string(v.first) + "," + std::to_string(v.second) + "\n";
    for (auto& [id, m] : media) {
      uint64_t pos = m.time_ms + (m.paused ? 0 : now - m.at);
      out += "media " + std::to_string(id) + " " + std::to_string(pos) + (m.paused ? " paused\n" : " playing\n");
    }
    for (auto& [id, v] : image) out += "img " + std::to_string(id) + " " + v + "\n";
    return out;
  }

  size_t node_count() const { return nodes.size(); }

 private:
  struct N {
    uint32_t parent = 0, type = 0, attached = 0;
    std::string name, value;
    std::map<std::string, std::string> attrs;
    std::vector<uint32_t> children;
  };
  struct RuleNode {
    std::string text;
    std::vector<RuleNode> children;
  };
  struct MediaState {
    uint64_t time_ms;
    bool paused;
    uint64_t at;
  };

  template <typename Str>
  void AddAll(NodeReader reader, Str str) {
    for (WireNode w; reader.Next(&w);) Add(w, str);
  }

  template <typename Str>
  void Add(const WireNode& w, Str str) {
    if (nodes.count(w.id)) Remove(w.id);
    N n;
    n.parent = w.parent;
    n.type = w.type;
    n.name = str(w.name);
    n.value = str(w.value);
    for (const auto& a : w.attrs) n.attrs[str(a.name())] = str(a.value());
    if (n.parent == 0) {
      root = w.id;
    } else {
      if (!nodes.count(n.parent)) return;
      N& p = nodes[n.parent];
      if ((n.type == kFragment || n.type == kDocument) && p.type == kElement) {
        p.attached = w.id;
      } else {
        auto& c = p.children;
        auto at = w.prev == 0 ? c.begin() : std::find(c.begin(), c.end(), w.prev);
        if (at == c.end()) c.push_back(w.id); else c.insert(w.prev == 0 ? at : at + 1, w.id);
      }
    }
    nodes[w.id] = std::move(n);
  }

  void Remove(uint32_t id) {
    if (!nodes.count(id)) return;
    N n = nodes[id];
    if (nodes.count(n.parent)) {
      N& p = nodes[n.parent];
      if (p.attached == id) p.attached = 0;
      p.children.erase(std::remove(p.children.begin(), p.children.end(), id), p.children.end());
    }
    std::vector<uint32_t> todo{id};
    while (!todo.empty()) {
      uint32_t cur = todo.back();
      todo.pop_back();
      if (!nodes.count(cur)) continue;
      for (uint32_t c : nodes[cur].children) todo.push_back(c);
      if (nodes[cur].attached) todo.push_back(nodes[cur].attached);
      nodes.erase(cur);
      input.erase(cur); scroll.erase(cur); sheets.erase(cur); adopted.erase(cur); media.erase(cur); image.erase(cur);
    }
  }

  void Print(uint32_t id, int depth, std::string* out) const {
    const N& n = nodes.at(id);
    *out += std::string(depth * 2, ' ') + std::to_string(id) + " t" + std::to_string(n.type) + " " + n.name + " '" +
            n.value + "'";
    for (auto& [k, v] : n.attrs) *out += " " + k + "=" + v;
    *out += "\n";
    if (n.attached) {
      *out += std::string(depth * 2 + 2, ' ') + "#attached\n";
      Print(n.attached, depth + 2, out);
    }
    for (uint32_t c : n.children) Print(c, depth + 1, out);
  }

  static void PrintRules(const std::vector<RuleNode>& rules, int depth, std::string* out) {
    for (const RuleNode& r : rules) {
      *out += std::string(depth * 2, ' ') + r.text + "\n";
      PrintRules(r.children, depth + 1, out);
    }
  }

  uint32_t root = 0;
  std::string viewport = "?";
  std::map<uint32_t, N> nodes;
  std::map<uint32_t, std::string> input;
  std::map<uint32_t, std::pair<int, int>> scroll;
  std::map<uint32_t, std::pair<uint32_t, std::vector<RuleNode>>> sheets;
  std::map<uint32_t, std::vector<uint32_t>> adopted;
  std::map<uint32_t, MediaState> media;
  std::map<uint32_t, std::string> image;
};

// --- Harness -----------------------------------------------------------------

Options MirrorOptions(uint32_t interval_ms, PrivacyMode mode = PrivacyMode::kRelaxed) {
  Options o;
  o.site_key = "site-1";
  o.session_id = "sess_A";
  o.page_view_id = "pv-1";
  o.privacy_mode = mode;
  o.checkpoint_interval_ms = interval_ms;
  return o;
}

struct Session {
  explicit Session(const Options& o) { EXPECT_TRUE(Recorder::Create(o, &rec).ok()); }

  // Flushes and returns the encoded batch ("" when nothing to send), kept
  // for the session's life.
  const std::string& Flush(const W& w) {
    static const std::string kNone;
    Status s = rec->FlushBytes(w.bytes().data(), w.bytes().size());
    EXPECT_TRUE(s.ok()) << s.ToString();
    const auto& b = rec->last_batch();
    std::string bytes(b.begin(), b.end());
    if (!bytes.empty()) {
      flatbuffers::Verifier v(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      EXPECT_TRUE(wire::VerifyBatchBuffer(v));
      batches.push_back(bytes);
      return batches.back();
    }
    return kNone;
  }

  std::unique_ptr<Recorder> rec;
  std::deque<std::string> batches;
};

const wire::Batch* B(const std::string& bytes) { return wire::GetBatch(bytes.data()); }

bool IsCheckpoint(const wire::Event* ev) {
  return ev->payload_type() == wire::Payload::FullSnapshot && ev->payload_as_FullSnapshot()->checkpoint();
}

// Number of leading events that are the checkpoint (the snapshot and its state).
size_t CheckpointLength(const wire::Batch* b) {
  const auto* evs = b->events();
  if (evs->size() == 0 || !IsCheckpoint(evs->Get(0))) return 0;
  size_t n = 1;
  while (n < evs->size() && evs->Get(n)->t() == 0 &&
         evs->Get(n)->payload_type() != wire::Payload::FullSnapshot &&
         evs->Get(n)->payload_type() != wire::Payload::Mutation &&
         evs->Get(n)->payload_type() != wire::Payload::Click)
    ++n;
  return n;
}

// A page: document, doctype, html > body > [div#a > "hello", input, div#host
// (shadow root > p > "in shadow"), iframe (document > html > body > "framed"),
// ul > li*3, video, img, style].
W Page(uint32_t seq, uint64_t t) {
  W w(seq, t);
  w.Meta(0, "https://shop.example/", "Shop");
  w.SnapBegin(0, 0, 40)
      .N(1, 0, 0, kDocument, "")
      .N(2, 1, 0, kDoctype, "html")
      .N(3, 1, 2, kElement, "html")
      .N(4, 3, 0, kElement, "body")
      .N(5, 4, 0, kElement, "div", "", {{"id", "a"}, {"class", "x"}})
      .N(6, 5, 0, kText, "", "hello")
      .N(7, 4, 5, kElement, "input", "", {{"type", "text"}})
      .N(8, 4, 7, kElement, "div", "", {{"id", "host"}})
      .N(9, 8, 0, kFragment, "")
      .N(10, 9, 0, kElement, "p")
      .N(11, 10, 0, kText, "", "in shadow")
      .N(12, 4, 8, kElement, "iframe")
      .N(13, 12, 0, kDocument, "")
      .N(14, 13, 0, kElement, "html")
      .N(15, 14, 0, kElement, "body")
      .N(16, 15, 0, kText, "", "framed")
      .N(17, 4, 12, kElement, "ul")
      .N(18, 17, 0, kElement, "li", "", {{"class", "one"}})
      .N(19, 17, 18, kElement, "li", "", {{"class", "two"}})
      .N(20, 17, 19, kElement, "li", "", {{"class", "three"}})
      .N(21, 4, 17, kElement, "video")
      .N(22, 4, 21, kElement, "img", "", {{"src", "/a.png"}})
      .N(23, 4, 22, kElement, "style")
      .N(24, 23, 0, kText, "", "p{color:red}")
      .SnapEnd();
  w.Sheet(1, 23, 23, {"p { color: red; }", "@media print { p { color: blue; } }"});
  w.Sheet(1, 500, 0, {".c { margin: 0px; }"});
  w.Adopt(1, 9, {500});
  return w;
}

// --- Tests -------------------------------------------------------------------

TEST(TreeMirror, CheckpointAloneReplaysLikeTheWholeHistory) {
  Session s(MirrorOptions(60000));
  s.Flush(Page(0, kT0));
  // Changes: moves (li 20 to the front, div#a after the ul), attributes,
  // texts, a shadow root and frame document replaced, state events.
  W w1(1, kT0 + 1000);
  w1.MutBegin(0)
      .Remove(20).Remove(5)
      .N(20, 17, 0, kElement, "li", "", {{"class", "three"}})
      .N(5, 4, 17, kElement, "div", "", {{"id", "a"}, {"class", "x"}})
      .N(6, 5, 0, kText, "", "hello")
      .SetAttr(18, "data-x", "1").DelAttr(19, "class").Text(11, "in shadow 2")
      .MutEnd();
  w1.MutBegin(5).Remove(13).N(30, 12, 0, kDocument, "").N(31, 30, 0, kElement, "html").MutEnd();
  w1.Input(10, 7, "typed", false).Scroll(11, 17, 0, 120).Scroll(12, 1, 0, 300);
  w1.Media(13, 21, 1, 2000, false).Img(14, 22, "/a-2x.png").Resize(15, 1024, 700);
  w1.Rule(16, 23, 0, {1}, "h1 { font-size: 2em; }").Rule(17, 23, 0, {2, 0}, "p { font-weight: bold; }")
      .Rule(18, 23, 1, {0});
  s.Flush(w1);
  W w2(2, kT0 + 30000);
  w2.MutBegin(0).Remove(10).N(40, 9, 0, kElement, "span").N(41, 40, 0, kText, "", "new").MutEnd();
  s.Flush(w2);

  // Before the interval: no checkpoint.
  W w3(3, kT0 + 59000);
  w3.Click(0, 4);
  EXPECT_EQ(CheckpointLength(B(s.Flush(w3))), 0u);
  Replay history;
  for (const auto& b : s.batches) history.ApplyBatch(B(b));

  W w4(4, kT0 + 61000);
  w4.Click(5, 4);
  const wire::Batch* b4 = B(s.Flush(w4));
  size_t n = CheckpointLength(b4);
  ASSERT_GT(n, 1u);
  EXPECT_EQ(b4->events()->Get(0)->t(), 0u);
  // The batch's own event follows the checkpoint.
  EXPECT_EQ(b4->events()->Get(n)->payload_type(), wire::Payload::Click);
  EXPECT_EQ(s.rec->stats().checkpoints, 1u);

  Replay alone;
  for (size_t i = 0; i < n; ++i) alone.Apply(b4, b4->events()->Get(i));
  uint64_t now = kT0 + 61000;
  EXPECT_EQ(alone.Canon(now), history.Canon(now));
  EXPECT_EQ(s.rec->stats().mirror_nodes, history.node_count());
  // Sanity: the history is what the test meant it to be.
  std::string canon = history.Canon(now);
  EXPECT_NE(canon.find("media 21 "), std::string::npos);
  EXPECT_NE(canon.find("#attached"), std::string::npos);
  EXPECT_EQ(canon.find("in shadow"), std::string::npos) << canon;  // p 10 went
  EXPECT_NE(canon.find("41 t3  'new'"), std::string::npos) << canon;
  EXPECT_NE(canon.find("img 22 /a-2x.png"), std::string::npos) << canon;
  EXPECT_NE(canon.find("input 7 typed/off"), std::string::npos);
  EXPECT_NE(canon.find("p { font-weight: bold; }"), std::string::npos);

  // The next checkpoint comes an interval after this one, not before.
  W w5(5, kT0 + 62000);
  w5.Click(0, 4);
  EXPECT_EQ(CheckpointLength(B(s.Flush(w5))), 0u);
}

TEST(TreeMirror, RemovedSubtreesReleaseTheirIdsAndState) {
  Session s(MirrorOptions(1000));
  s.Flush(Page(0, kT0));
  uint64_t nodes_full = s.rec->stats().mirror_nodes;
  EXPECT_EQ(nodes_full, 24u);
  W w(1, kT0 + 100);
  w.Input(0, 7, "abc").Scroll(0, 17, 0, 9).Media(0, 21, 1, 0, false).Img(0, 22, "/b.png");
  s.Flush(w);
  uint64_t bytes_with_state = s.rec->stats().mirror_bytes;
  W r(2, kT0 + 200);
  r.MutBegin(0).Remove(4).MutEnd();
  s.Flush(r);
  EXPECT_EQ(s.rec->stats().mirror_nodes, 3u);  // document, doctype, html
  EXPECT_LT(s.rec->stats().mirror_bytes, bytes_with_state / 4);
  W c(3, kT0 + 5000);
  c.Click(0, 3);
  const wire::Batch* b = B(s.Flush(c));
  size_t n = CheckpointLength(b);
  ASSERT_GE(n, 1u);
  // Only the snapshot (and the viewport): no state of removed targets, and
  // not the owned sheet of the removed <style>. The constructed sheet stays.
  for (size_t i = 1; i < n; ++i) {
    auto type = b->events()->Get(i)->payload_type();
    EXPECT_TRUE(type == wire::Payload::Resize || type == wire::Payload::StyleSheet) << static_cast<int>(type);
    if (type == wire::Payload::StyleSheet) {
      EXPECT_EQ(b->events()->Get(i)->payload_as_StyleSheet()->sheet(), 500u);
    }
  }
  EXPECT_EQ(NodeReader::Of(*b->events()->Get(0)->payload_as_FullSnapshot()).size(), 3u);
}

TEST(TreeMirror, ChurnKeepsTheMirrorFlat) {
  Session s(MirrorOptions(3600000));
  s.Flush(Page(0, kT0));
  uint32_t next = 1000;
  uint64_t bytes_after_warmup = 0;
  for (uint32_t round = 0; round < 400; ++round) {
    W w(round + 1, kT0 + round * 100);
    w.MutBegin(0);
    // 50 added, 50 removed: the live page stays the same size.
    for (uint32_t k = 0; k < 50; ++k) {
      uint32_t id = next + k;
      w.N(id, 4, 0, kElement, "div", "", {{"class", "c" + std::to_string(id % 7)}});
      w.N(id + 50, id, 0, kText, "", "text " + std::to_string(id));
    }
    if (round > 0) {
      for (uint32_t k = 0; k < 50; ++k) w.Remove(next - 100 + k);
    }
    w.MutEnd();
    for (uint32_t k = 0; k < 50; ++k) w.Input(0, next + k, "v");
    next += 100;
    s.Flush(w);
    if (round == 50) bytes_after_warmup = s.rec->stats().mirror_bytes;
  }
  EXPECT_EQ(s.rec->stats().mirror_nodes, 24u + 100u);
  EXPECT_LE(s.rec->stats().mirror_bytes, bytes_after_warmup + 1024);
}

TEST(TreeMirror, CheckpointStringsAreExactlyGatedOnes) {
  Session s(MirrorOptions(1000, PrivacyMode::kStrict));
  W w = Page(0, kT0);
  s.Flush(w);
  W w1(1, kT0 + 10);
  w1.Input(0, 7, "jane@example.com secret").MutBegin(0).Text(6, "private words").MutEnd();
  s.Flush(w1);
  std::set<std::string> seen;
  for (const auto& bytes : s.batches) {
    const WireStrings strings(*B(bytes));
    for (uint32_t i = 0; i < strings.size(); ++i) seen.insert(std::string(strings.Get(i)));
  }
  W c(2, kT0 + 2000);
  c.Click(0, 4);
  const wire::Batch* b = B(s.Flush(c));
  ASSERT_GT(CheckpointLength(b), 0u);
  const WireStrings strings(*b);
  ASSERT_GT(strings.size(), 1u);
  for (uint32_t i = 0; i < strings.size(); ++i) {
    const std::string str(strings.Get(i));
    EXPECT_TRUE(seen.count(str)) << "not from an earlier batch: " << str;
    EXPECT_EQ(str.find("private"), std::string::npos);
    EXPECT_EQ(str.find("jane"), std::string::npos);
    EXPECT_EQ(str.find("hello"), std::string::npos);
  }
}

TEST(TreeMirror, OverTheCapTheMirrorDropsUntilTheNextSnapshot) {
  Options o = MirrorOptions(1000);
  o.mirror_max_nodes = 20;
  Session s(o);
  s.Flush(Page(0, kT0));  // 24 nodes
  EXPECT_EQ(s.rec->stats().mirror_drops, 1u);
  EXPECT_EQ(s.rec->stats().mirror_nodes, 0u);
  W c(1, kT0 + 5000);
  c.Click(0, 4);
  EXPECT_EQ(CheckpointLength(B(s.Flush(c))), 0u);
  EXPECT_EQ(s.rec->stats().checkpoints, 0u);
  // A smaller page (the glue's next snapshot) brings the mirror back.
  W small(2, kT0 + 6000);
  small.SnapBegin(0).N(1, 0, 0, kDocument, "").N(3, 1, 0, kElement, "html").SnapEnd();
  s.Flush(small);
  EXPECT_EQ(s.rec->stats().mirror_nodes, 2u);
  W c2(3, kT0 + 8000);
  c2.Click(0, 3);
  EXPECT_GT(CheckpointLength(B(s.Flush(c2))), 0u);

  Options bytes = MirrorOptions(1000);
  bytes.mirror_max_bytes = 2000;
  Session t(bytes);
  t.Flush(Page(0, kT0));
  EXPECT_EQ(t.rec->stats().mirror_drops, 1u);
}

TEST(TreeMirror, IntervalZeroNeverAndGlueSnapshotsResetTheClock) {
  Session never(MirrorOptions(0));
  never.Flush(Page(0, kT0));
  EXPECT_EQ(never.rec->stats().mirror_nodes, 0u);  // no mirror kept at all
  W c(1, kT0 + 3600000);
  c.Click(0, 4);
  EXPECT_EQ(CheckpointLength(B(never.Flush(c))), 0u);

  Session s(MirrorOptions(1000));
  s.Flush(Page(0, kT0));
  // A batch with the glue's own snapshot gets no checkpoint ...
  const wire::Batch* again = B(s.Flush(Page(1, kT0 + 1500)));
  EXPECT_EQ(CheckpointLength(again), 0u);
  // ... and the interval counts from it.
  W c1(2, kT0 + 2000);
  c1.Click(0, 4);
  EXPECT_EQ(CheckpointLength(B(s.Flush(c1))), 0u);
  W c2(3, kT0 + 2600);
  c2.Click(0, 4);
  EXPECT_GT(CheckpointLength(B(s.Flush(c2))), 0u);
}

TEST(TreeMirror, MirrorOnlyBuffersFeedTheMirrorWithoutOutput) {
  Session s(MirrorOptions(1000));
  s.Flush(Page(0, kT0));
  uint64_t batches = s.rec->stats().batches;
  W m(1, kT0 + 500, kRecordsFlagMirrorOnly);
  m.MutBegin(0).N(50, 4, 0, kElement, "section").MutEnd().Input(1, 7, "late");
  EXPECT_TRUE(s.Flush(m).empty() || s.rec->output().empty());
  EXPECT_TRUE(s.rec->output().empty());
  EXPECT_EQ(s.rec->stats().batches, batches);
  EXPECT_EQ(s.rec->stats().mirror_only, 1u);
  EXPECT_EQ(s.rec->stats().mirror_nodes, 25u);
  W c(2, kT0 + 2000);
  c.Click(0, 4);
  const wire::Batch* b = B(s.Flush(c));
  EXPECT_EQ(b->seq(), 2u);
  ASSERT_GT(CheckpointLength(b), 0u);
  Replay alone;
  for (size_t i = 0; i < CheckpointLength(b); ++i) alone.Apply(b, b->events()->Get(i));
  std::string canon = alone.Canon(kT0 + 2000);
  EXPECT_NE(canon.find("50 t1 section"), std::string::npos) << canon;
  EXPECT_NE(canon.find("input 7 late/off"), std::string::npos) << canon;
}

TEST(TreeMirror, ASeqEncodedAgainIsAppliedOnce) {
  Session s(MirrorOptions(1000));
  s.Flush(Page(0, kT0));
  W w(1, kT0 + 100);
  w.Rule(0, 23, 0, {0}, "a { color: green; }");
  s.Flush(w);
  s.Flush(w);  // re-encoded (a new frame after a refusal)
  W again(1, kT0 + 100, kRecordsFlagMirrorOnly);
  again.Rule(0, 23, 0, {0}, "a { color: green; }");
  s.Flush(again);  // and sent out of band too
  W c(2, kT0 + 2000);
  c.Click(0, 4);
  const wire::Batch* b = B(s.Flush(c));
  size_t n = CheckpointLength(b);
  ASSERT_GT(n, 0u);
  Replay alone;
  for (size_t i = 0; i < n; ++i) alone.Apply(b, b->events()->Get(i));
  std::string canon = alone.Canon(kT0 + 2000);
  size_t first = canon.find("a { color: green; }");
  ASSERT_NE(first, std::string::npos) << canon;
  EXPECT_EQ(canon.find("a { color: green; }", first + 1), std::string::npos) << canon;
}

}  // namespace
}  // namespace recorder
