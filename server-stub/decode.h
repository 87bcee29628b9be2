// decode.h: stored batches to JSON, for people and for replay tooling.
//
// One event becomes one flat object:
//   {"pageView":"P","seq":0,"time":<epoch ms>,"type":"Click", ...payload}
// where `type` is the union member's schema name, payload fields use the
// schema's field names in camelCase (viewport_w -> viewportW), every string
// index is resolved to its string, and enums stay numbers (so a newer enum
// value needs no decoder change). Nodes are
//   {"id","parent","prev","type","ns","name","value","attrs":[[name,value],...]}
// A session is
//   {"session":"S","site":"K","pageViews":["P",...],"batches":N,"events":[...]}
// with events in storage order (see Store::ListBatches).
//
// Every batch is verified again before it is read (VerifyBatchBytes), so a
// damaged database gives an error, never a crash.
#ifndef COLLECTOR_DECODE_H_
#define COLLECTOR_DECODE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "json.h"
#include "recorder/status.h"
#include "store.h"

namespace collector {

// Appends one object per event of the batch in `data` to the array that `w`
// has open.
recorder::Status AppendBatchEvents(const uint8_t* data, size_t n, JsonWriter* w);

// The session document for `batches` (as returned by Store::ListBatches).
// An empty list is an error: callers report an unknown session themselves.
recorder::Status DecodeSessionJson(const std::vector<StoredBatch>& batches, std::string* out);

// The session list document: an array of
//   {"session","site","pageViews","batches","firstTime","lastTime","bytes","rawBytes"}
std::string SessionListJson(const std::vector<SessionSummary>& sessions);

}  // namespace collector

#endif  // COLLECTOR_DECODE_H_
