// record_parser.h: turns one flush's records (records.h) into batch events.
//
// Parsing and encoding are one pass: each record is checked, its strings go
// through the gate, and its event is appended to the builder. Any malformed
// record fails the whole flush with a Status naming the record and offset.
#ifndef RECORDER_SRC_RECORD_PARSER_H_
#define RECORDER_SRC_RECORD_PARSER_H_

#include <cstddef>
#include <cstdint>

#include "batch_builder.h"
#include "masking_gate.h"
#include "recorder/status.h"

namespace recorder {

struct ParsedHeader {
  uint32_t seq = 0;
  uint64_t base_time = 0;  // epoch ms of the first timed record
  uint32_t flags = 0;      // kRecordsFlag* of records.h
};

Status ParseRecords(const uint8_t* data, size_t size, MaskingGate& gate,
                    BatchBuilder& builder, ParsedHeader* header);

}  // namespace recorder

#endif  // RECORDER_SRC_RECORD_PARSER_H_
