// decode.cc: see decode.h. The field lists below mirror recorder.fbs; when a
// field is appended to the schema, add it here and to decode_test.cc.
#include "decode.h"

#include <string_view>

#include "ingest.h"
#include "recorder/node_view.h"
#include "recorder/wire_strings.h"
#include "recorder_generated.h"

namespace collector {
namespace {

using recorder::Status;
namespace w = rec::wire;

class EventWriter {
 public:
  EventWriter(const w::Batch& batch, JsonWriter* out) : b_(batch), strings_(batch), j_(*out) {}

  void Event(const w::Event& e) {
    j_.BeginObject();
    j_.Key("pageView");
    j_.String(b_.page_view_id()->string_view());
    j_.Key("seq");
    j_.Uint(b_.seq());
    j_.Key("time");
    j_.Uint(b_.base_time() + e.t());  // cannot overflow: ingest caps base_time
    j_.Key("type");
    j_.String(w::EnumNamePayload(e.payload_type()));
    Payload(e);
    j_.EndObject();
  }

 private:
  // Verification guarantees the index is in range; "" for 0 (absent).
  std::string_view Str(uint32_t index) const { return index == 0 ? std::string_view() : strings_.Get(index); }

  void U(const char* key, uint64_t v) { j_.Key(key); j_.Uint(v); }
  void I(const char* key, int64_t v) { j_.Key(key); j_.Int(v); }
  void B(const char* key, bool v) { j_.Key(key); j_.Bool(v); }
  void S(const char* key, uint32_t index) { j_.Key(key); j_.String(Str(index)); }

  void Uints(const char* key, const flatbuffers::Vector<uint32_t>* v) {
    j_.Key(key);
    j_.BeginArray();
    if (v) {
      for (uint32_t x : *v) j_.Uint(x);
    }
    j_.EndArray();
  }

  // Either wire form (see node_view.h) gives the same JSON.
  void Nodes(const char* key, recorder::NodeReader nodes) {
    j_.Key(key);
    j_.BeginArray();
    recorder::WireNode n;
    while (nodes.Next(&n)) Node(n);
    j_.EndArray();
  }

  void Node(const recorder::WireNode& n) {
    j_.BeginObject();
    U("id", n.id);
    U("parent", n.parent);
    U("prev", n.prev);
    U("type", n.type);
    U("ns", n.ns);
    S("name", n.name);
    S("value", n.value);
    j_.Key("attrs");
    j_.BeginArray();
    for (const w::Attr& a : n.attrs) {
      j_.BeginArray();
      j_.String(Str(a.name()));
      j_.String(Str(a.value()));
      j_.EndArray();
    }
    j_.EndArray();
    j_.EndObject();
  }

  void Mutation(const w::Mutation& m) {
    j_.Key("removes");
    j_.BeginArray();
    if (const auto* removes = m.removes()) {
      for (uint32_t id : *removes) j_.Uint(id);
    }
    j_.EndArray();
    Nodes("adds", recorder::NodeReader::Of(m));
    j_.Key("attrs");
    j_.BeginArray();
    if (const auto* attrs = m.attrs()) {
      for (const w::AttrChange* a : *attrs) {
        j_.BeginObject();
        U("node", a->node());
        S("name", a->name());
        S("value", a->value());
        B("removed", a->removed());
        j_.EndObject();
      }
    }
    j_.EndArray();
    j_.Key("texts");
    j_.BeginArray();
    if (const auto* texts = m.texts()) {
      for (const w::TextChange* t : *texts) {
        j_.BeginObject();
        U("node", t->node());
        S("value", t->value());
        j_.EndObject();
      }
    }
    j_.EndArray();
  }

  void Payload(const w::Event& e) {
    switch (e.payload_type()) {
      case w::Payload::PageMeta: {
        const auto* p = e.payload_as_PageMeta();
        S("url", p->url());
        S("referrer", p->referrer());
        S("title", p->title());
        U("viewportW", p->viewport_w());
        U("viewportH", p->viewport_h());
        U("screenW", p->screen_w());
        U("screenH", p->screen_h());
        U("dprX100", p->dpr_x100());
        U("device", static_cast<uint64_t>(p->device()));
        S("previousPageView", p->previous_page_view());
        break;
      }
      case w::Payload::FullSnapshot: {
        const auto* p = e.payload_as_FullSnapshot();
        Nodes("nodes", recorder::NodeReader::Of(*p));
        I("scrollX", p->scroll_x());
        I("scrollY", p->scroll_y());
        B("checkpoint", p->checkpoint());
        break;
      }
      case w::Payload::Mutation:
        Mutation(*e.payload_as_Mutation());
        break;
      case w::Payload::MouseMove: {
        const auto* p = e.payload_as_MouseMove();
        j_.Key("points");
        j_.BeginArray();
        if (const auto* points = p->points()) {
          for (const w::MovePoint* pt : *points) {
            j_.BeginObject();
            U("dt", pt->dt());
            I("x", pt->x());
            I("y", pt->y());
            j_.EndObject();
          }
        }
        j_.EndArray();
        break;
      }
      case w::Payload::Click: {
        const auto* p = e.payload_as_Click();
        U("target", p->target());
        I("x", p->x());
        I("y", p->y());
        I("ex", p->ex());
        I("ey", p->ey());
        U("button", p->button());
        break;
      }
      case w::Payload::Scroll: {
        const auto* p = e.payload_as_Scroll();
        U("target", p->target());
        I("x", p->x());
        I("y", p->y());
        break;
      }
      case w::Payload::Input: {
        const auto* p = e.payload_as_Input();
        U("target", p->target());
        S("value", p->value());
        B("checked", p->checked());
        break;
      }
      case w::Payload::Resize: {
        const auto* p = e.payload_as_Resize();
        U("width", p->width());
        U("height", p->height());
        break;
      }
      case w::Payload::Visibility:
        U("state", static_cast<uint64_t>(e.payload_as_Visibility()->state()));
        break;
      case w::Payload::Focus: {
        const auto* p = e.payload_as_Focus();
        U("target", p->target());
        B("focused", p->focused());
        break;
      }
      case w::Payload::Navigation: {
        const auto* p = e.payload_as_Navigation();
        U("kind", static_cast<uint64_t>(p->kind()));
        S("url", p->url());
        break;
      }
      case w::Payload::StyleSheet: {
        const auto* p = e.payload_as_StyleSheet();
        U("sheet", p->sheet());
        U("owner", p->owner());
        B("disabled", p->disabled());
        j_.Key("rules");
        j_.BeginArray();
        if (const auto* rules = p->rules()) {
          for (uint32_t r : *rules) j_.String(Str(r));
        }
        j_.EndArray();
        break;
      }
      case w::Payload::StyleRule: {
        const auto* p = e.payload_as_StyleRule();
        U("sheet", p->sheet());
        U("op", static_cast<uint64_t>(p->op()));
        Uints("path", p->path());
        S("rule", p->rule());
        break;
      }
      case w::Payload::AdoptedSheets: {
        const auto* p = e.payload_as_AdoptedSheets();
        U("target", p->target());
        Uints("sheets", p->sheets());
        break;
      }
      case w::Payload::Media: {
        const auto* p = e.payload_as_Media();
        U("target", p->target());
        U("action", static_cast<uint64_t>(p->action()));
        U("timeMs", p->time_ms());
        U("rateX100", p->rate_x100());
        U("volumeX100", p->volume_x100());
        B("muted", p->muted());
        B("paused", p->paused());
        B("loop", p->loop());
        break;
      }
      case w::Payload::ImageSource: {
        const auto* p = e.payload_as_ImageSource();
        U("target", p->target());
        S("url", p->url());
        break;
      }
      default:
        break;  // unreachable: VerifyBatchBytes refuses unknown types
    }
  }

  const w::Batch& b_;
  const recorder::WireStrings strings_;
  JsonWriter& j_;
};

// Stored batches were checked with the limits of the day; reading them back
// must not fail because the operator lowered a cap since. Structure and
// meaning are still checked in full.
IngestLimits ReadBackLimits() {
  IngestLimits limits;
  limits.max_batch_bytes = FLATBUFFERS_MAX_BUFFER_SIZE - 1;
  limits.max_events = UINT32_MAX;
  return limits;
}

}  // namespace

Status AppendBatchEvents(const uint8_t* data, size_t n, JsonWriter* out) {
  const w::Batch* batch = nullptr;
  RECORDER_RETURN_IF_ERROR(VerifyBatchBytes(data, n, ReadBackLimits(), &batch));
  EventWriter writer(*batch, out);
  if (const auto* events = batch->events()) {
    for (const w::Event* e : *events) writer.Event(*e);
  }
  return Status::Ok();
}

Status DecodeSessionJson(const std::vector<StoredBatch>& batches, std::string* out) {
  if (batches.empty()) return Status::InvalidArgument("no batches to decode");
  JsonWriter j;
  j.BeginObject();
  j.Key("session");
  j.String(batches.front().session_id);
  j.Key("site");
  j.String(batches.front().site_key);
  j.Key("pageViews");
  j.BeginArray();
  // Batches come grouped by page view, so a change of id starts a new one.
  for (size_t i = 0; i < batches.size(); ++i) {
    if (i == 0 || batches[i].page_view_id != batches[i - 1].page_view_id) {
      j.String(batches[i].page_view_id);
    }
  }
  j.EndArray();
  j.Key("batches");
  j.Uint(batches.size());
  j.Key("events");
  j.BeginArray();
  for (const StoredBatch& b : batches) {
    Status s = AppendBatchEvents(b.batch.data(), b.batch.size(), &j);
    if (!s.ok()) {
      return Status(s.code(), "stored batch " + b.page_view_id + "/" + std::to_string(b.seq) +
                                  ": " + s.message());
    }
  }
  j.EndArray();
  j.EndObject();
  *out = j.Take();
  return Status::Ok();
}

std::string SessionListJson(const std::vector<SessionSummary>& sessions) {
  JsonWriter j;
  j.BeginArray();
  for (const SessionSummary& s : sessions) {
    j.BeginObject();
    j.Key("session");
    j.String(s.session_id);
    j.Key("site");
    j.String(s.site_key);
    j.Key("pageViews");
    j.Uint(s.page_views);
    j.Key("batches");
    j.Uint(s.batches);
    j.Key("firstTime");
    j.Uint(s.first_time);
    j.Key("lastTime");
    j.Uint(s.last_time);
    j.Key("bytes");
    j.Uint(s.bytes);
    j.Key("rawBytes");
    j.Uint(s.raw_bytes);
    j.EndObject();
  }
  j.EndArray();
  return j.Take();
}

}  // namespace collector
