// bench_inputs.h: the inputs every core benchmark uses, native and Wasm alike
// (recorder_bench.cc, stages.h): a 10,000-node snapshot, an interaction mix
// and shop-page text. Built with the tests' RecordWriter (records.h).
#ifndef RECORDER_BENCH_INPUTS_H_
#define RECORDER_BENCH_INPUTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "record_writer.h"

namespace recorder::bench {

// A 10,000-node page: nested lists of items with classes and text.
inline std::vector<uint8_t> SnapshotRecords(int nodes) {
  testing::RecordWriter w;
  w.Tag(RecordTag::kSnapshotBegin).U(0).I(0).I(0).U(0);
  w.Node(1, 0, 0, 9, "", "");
  w.Node(2, 1, 0, 1, "HTML", "");
  w.Node(3, 2, 0, 1, "BODY", "");
  uint32_t id = 4;
  while (static_cast<int>(id) < nodes) {
    uint32_t li = id++;
    w.Node(li, 3, li > 4 ? li - 2 : 0, 1, "LI", "",
           {{"class", "item card"}, {"data-sku", "sku-" + std::to_string(li % 97)}});
    w.Node(id++, li, 0, 3, "", "Product name " + std::to_string(li) + " with a description");
  }
  w.Tag(RecordTag::kSnapshotEnd);
  return w.bytes();
}

// Pointer moves, clicks, scrolls and typing, in turn.
inline std::vector<uint8_t> InteractionRecords(int events) {
  testing::RecordWriter w;
  for (int i = 0; i < events; ++i) {
    switch (i % 4) {
      case 0: w.Tag(RecordTag::kMove).U(16).U(3).U(0).I(i).I(i * 2).U(8).I(i + 1).I(i * 2).U(16).I(i + 2).I(i * 2 + 1); break;
      case 1: w.Click(30, 100 + i % 50, i % 1200, i % 800); break;
      case 2: w.Tag(RecordTag::kScroll).U(20).U(1).I(0).I(i * 10); break;
      case 3: w.Tag(RecordTag::kInput).U(40).U(200).U(0).S("typed text").U(0); break;
    }
  }
  return w.bytes();
}

// Shop-page text as the gate sees it in balanced/relaxed mode: prose with
// prices, dates, order numbers, versions and times (the look-alikes), and
// about one real find per 2 KB.
inline std::string ShopText(size_t bytes) {
  static const char* const kLines[] = {
      "Blue ceramic mug, 350 ml, dishwasher safe. ",
      "Now $12.99 (was $1,299.00 for the set of 100). ",
      "Order #10023 placed on 2024-01-15 at 12:30, ships in 2-3 days. ",
      "Free returns within 30 days; see terms v2.4.1 for details. ",
      "Customer reviews: 4.5 out of 5 stars from 1,024 ratings. ",
      "Tracking ORD-2024-00017 via carrier, ETA 15.01.2024. ",
      "Size guide: S 36-38, M 40-42, L 44-46. ",
      "Questions? Write to support@shop.example or call +1 415 555 2671. ",
  };
  std::string text;
  for (size_t i = 0; text.size() < bytes; ++i) {
    text += kLines[i % 7];
    if (i % 40 == 39) text += kLines[7];
  }
  return text;
}

}  // namespace recorder::bench

#endif  // RECORDER_BENCH_INPUTS_H_
