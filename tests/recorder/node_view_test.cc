// NodeReader (recorder/node_view.h) over both wire forms, and the writer's
// columns (batch_builder.cc) read back: records in, the same nodes out.
#include "recorder/node_view.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "batch_builder.h"
#include "byte_reader.h"
#include "record_parser.h"
#include "record_writer.h"
#include "recorder/wire_strings.h"

namespace recorder {
namespace {

using testing::RecordWriter;
namespace wire = rec::wire;

// A node as the glue sent it, strings resolved.
struct Plain {
  uint32_t id, parent, prev, type, ns;
  std::string name, value;
  std::vector<std::pair<std::string, std::string>> attrs;
  bool operator==(const Plain& o) const {
    return id == o.id && parent == o.parent && prev == o.prev && type == o.type && ns == o.ns &&
           name == o.name && value == o.value && attrs == o.attrs;
  }
};

void PrintTo(const Plain& p, std::ostream* os) {
  *os << "{id " << p.id << " parent " << p.parent << " prev " << p.prev << " type " << p.type << " ns "
      << p.ns << " " << p.name << " '" << p.value << "' " << p.attrs.size() << " attrs}";
}

// Ids in no particular order and at both ends of uint32 (deltas of every
// sign, and parent/prev far from their node), a shadow root, an SVG child,
// attributes on several nodes.
std::vector<Plain> SampleNodes() {
  return {
      {7, 0, 0, 9, 0, "", "", {}},
      {4294967295u, 7, 0, 1, 0, "HTML", "", {{"lang", "en"}}},
      {3, 4294967295u, 0, 1, 0, "BODY", "", {{"class", "a b"}, {"id", "main"}}},
      {2147483648u, 3, 0, 11, 0, "", "", {}},  // BODY's shadow root
      {12, 3, 0, 1, 1, "svg", "", {{"viewBox", "0 0 1 1"}}},
      {11, 3, 12, 3, 0, "", "Hello", {}},
      {1, 3, 11, 8, 0, "", "a comment", {}},
  };
}

void WriteNode(RecordWriter& w, const Plain& n) {
  w.Tag(RecordTag::kNode).U(n.id).U(n.parent).U(n.prev).U(n.type).U(n.ns).U(0).S(n.name).S(n.value);
  w.U(n.attrs.size());
  for (const auto& [name, value] : n.attrs) w.S(name).S(value);
}

std::vector<Plain> Read(NodeReader reader, const wire::Batch& b) {
  const WireStrings strings(b);
  auto str = [&](uint32_t i) { return std::string(strings.Get(i)); };
  std::vector<Plain> out;
  for (WireNode n; reader.Next(&n);) {
    Plain p{n.id, n.parent, n.prev, n.type, n.ns, str(n.name), str(n.value), {}};
    for (const wire::Attr& a : n.attrs) p.attrs.emplace_back(str(a.name()), str(a.value()));
    out.push_back(p);
  }
  return out;
}

class NodeColumnsRoundTrip : public ::testing::Test {
 protected:
  const wire::Batch& Encode(const RecordWriter& w) {
    ParsedHeader header;
    Status s = ParseRecords(w.bytes().data(), w.bytes().size(), gate_, builder_, &header);
    EXPECT_TRUE(s.ok()) << s.ToString();
    RawString id{"x", false, 0};
    builder_.Finish({gate_.Apply(id, FieldKind::kIdentifier), gate_.Apply(id, FieldKind::kIdentifier),
                     gate_.Apply(id, FieldKind::kIdentifier), header.seq, header.base_time});
    flatbuffers::Verifier v(builder_.fbb().GetBufferPointer(), builder_.fbb().GetSize());
    EXPECT_TRUE(wire::VerifyBatchBuffer(v));
    return *wire::GetBatch(builder_.fbb().GetBufferPointer());
  }

  MaskingGate gate_{PrivacyMode::kRelaxed};
  BatchBuilder builder_;
};

TEST_F(NodeColumnsRoundTrip, SnapshotNodesComeBackAsTheGlueSentThem) {
  RecordWriter w;
  w.Tag(RecordTag::kSnapshotBegin).U(0).I(0).I(0).U(0);
  for (const Plain& n : SampleNodes()) WriteNode(w, n);
  w.Tag(RecordTag::kSnapshotEnd);
  const wire::Batch& b = Encode(w);
  const auto* snap = b.events()->Get(0)->payload_as_FullSnapshot();
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->nodes(), nullptr);
  ASSERT_NE(snap->columns(), nullptr);
  NodeReader reader = NodeReader::Of(*snap);
  EXPECT_TRUE(reader.columnar());
  EXPECT_EQ(reader.size(), SampleNodes().size());
  EXPECT_EQ(Read(reader, b), SampleNodes());
}

TEST_F(NodeColumnsRoundTrip, MutationAddsComeBackAndAnEmptyAddListWritesNoColumns) {
  RecordWriter w;
  w.Tag(RecordTag::kMutationBegin).U(0);
  for (const Plain& n : SampleNodes()) {
    if (n.parent != 0) WriteNode(w, n);
  }
  w.Tag(RecordTag::kMutationEnd);
  w.Tag(RecordTag::kMutationBegin).U(1);
  w.Tag(RecordTag::kRemove).U(5);
  w.Tag(RecordTag::kMutationEnd);
  const wire::Batch& b = Encode(w);
  ASSERT_EQ(b.events()->size(), 2u);
  const auto* m = b.events()->Get(0)->payload_as_Mutation();
  EXPECT_EQ(m->adds(), nullptr);
  std::vector<Plain> expected = SampleNodes();
  expected.erase(expected.begin());
  EXPECT_EQ(Read(NodeReader::Of(*m), b), expected);
  const auto* removal = b.events()->Get(1)->payload_as_Mutation();
  EXPECT_EQ(removal->added(), nullptr);
  EXPECT_EQ(NodeReader::Of(*removal).size(), 0u);
}

// The same nodes as version 2 wrote them ([Node]) read the same.
TEST(NodeReader, TablesAndColumnsReadAlike) {
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<flatbuffers::Offset<wire::Node>> tables;
  NodeColumnsBuilder columns;
  // String index i + 1 per node field, so every field differs.
  uint32_t next = 1;
  for (const Plain& n : SampleNodes()) {
    uint32_t name = next++, value = next++;
    std::vector<wire::Attr> attrs;
    for (size_t i = 0; i < n.attrs.size(); ++i, next += 2) attrs.emplace_back(next, next + 1);
    columns.Add(n.id, n.parent, n.prev, static_cast<uint8_t>(n.type), static_cast<uint8_t>(n.ns), name, value);
    for (const wire::Attr& a : attrs) columns.AddAttr(a.name(), a.value());
    tables.push_back(wire::CreateNode(fbb, n.id, n.parent, n.prev, static_cast<wire::NodeType>(n.type),
                                      static_cast<wire::Namespace>(n.ns), name, value,
                                      attrs.empty() ? 0 : fbb.CreateVectorOfStructs(attrs)));
  }
  auto tables_vec = fbb.CreateVector(tables);
  auto cols = columns.Finish(fbb);
  auto old_snap = wire::CreateFullSnapshot(fbb, tables_vec);
  auto new_snap = wire::CreateFullSnapshot(fbb, 0, 0, 0, false, cols);
  fbb.Finish(fbb.CreateVector(std::vector<flatbuffers::Offset<wire::FullSnapshot>>{old_snap, new_snap}));
  const auto* both = flatbuffers::GetRoot<flatbuffers::Vector<flatbuffers::Offset<wire::FullSnapshot>>>(
      fbb.GetBufferPointer());

  NodeReader a = NodeReader::Of(*both->Get(0));
  NodeReader b = NodeReader::Of(*both->Get(1));
  EXPECT_FALSE(a.columnar());
  EXPECT_TRUE(b.columnar());
  ASSERT_EQ(a.size(), b.size());
  size_t count = 0;
  for (WireNode x, y; a.Next(&x);) {
    ASSERT_TRUE(b.Next(&y));
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.parent, y.parent);
    EXPECT_EQ(x.prev, y.prev);
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.ns, y.ns);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.value, y.value);
    ASSERT_EQ(x.attrs.size(), y.attrs.size());
    for (size_t i = 0; i < x.attrs.size(); ++i) {
      EXPECT_EQ(x.attrs[i].name(), y.attrs[i].name());
      EXPECT_EQ(x.attrs[i].value(), y.attrs[i].value());
    }
    ++count;
  }
  EXPECT_EQ(count, SampleNodes().size());
}

// Unchecked columns (short vectors, counts past the attributes) read as
// zeros and truncated runs, never past a vector's end.
TEST(NodeReader, InconsistentColumnsStayInBounds) {
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<int32_t> ids{5, 1, 1};
  std::vector<uint32_t> names{3};
  std::vector<uint32_t> counts{0xFFFFFFFFu, 2, 7};
  std::vector<wire::Attr> attrs{wire::Attr(1, 2), wire::Attr(3, 4)};
  auto cols = wire::CreateNodeColumns(fbb, fbb.CreateVector(ids), 0, 0, 0, 0, fbb.CreateVector(names), 0,
                                      fbb.CreateVector(counts), fbb.CreateVectorOfStructs(attrs));
  fbb.Finish(cols);
  const auto* c = flatbuffers::GetRoot<wire::NodeColumns>(fbb.GetBufferPointer());
  NodeReader r(nullptr, c);
  ASSERT_EQ(r.size(), 3u);
  WireNode n;
  ASSERT_TRUE(r.Next(&n));
  EXPECT_EQ(n.id, 5u);
  EXPECT_EQ(n.parent, 5u);  // parent_delta missing: 0
  EXPECT_EQ(n.name, 3u);
  EXPECT_EQ(n.attrs.size(), 2u);  // all there are
  ASSERT_TRUE(r.Next(&n));
  EXPECT_EQ(n.id, 6u);
  EXPECT_EQ(n.name, 0u);
  EXPECT_TRUE(n.attrs.empty());
  ASSERT_TRUE(r.Next(&n));
  EXPECT_FALSE(r.Next(&n));
}

// WireStrings (recorder/wire_strings.h): both forms read alike; lengths
// that run past string_data read as "", never past the buffer.
TEST(WireStrings, BytesAndTablesReadAlikeAndOverrunsReadEmpty) {
  const std::vector<std::string> strings{"", "abc", "", "de"};
  auto build = [&](bool bytes, std::vector<uint32_t> lengths, std::string data) {
    flatbuffers::FlatBufferBuilder fbb;
    auto id = fbb.CreateString("x");
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>> table = 0;
    flatbuffers::Offset<flatbuffers::Vector<uint32_t>> lens = 0;
    flatbuffers::Offset<flatbuffers::Vector<uint8_t>> bytes_vec = 0;
    if (bytes) {
      lens = fbb.CreateVector(lengths);
      bytes_vec = fbb.CreateVector(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    } else {
      table = fbb.CreateVectorOfStrings(strings);
    }
    wire::FinishBatchBuffer(fbb, wire::CreateBatch(fbb, 3, id, id, id, 0, 0, table, 0, lens, bytes_vec));
    return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  };
  const auto table = build(false, {}, "");
  const auto bytes = build(true, {0, 3, 0, 2}, "abcde");
  const WireStrings a(*wire::GetBatch(table.data())), b(*wire::GetBatch(bytes.data()));
  EXPECT_FALSE(a.columnar());
  EXPECT_TRUE(b.columnar());
  ASSERT_EQ(a.size(), 4u);
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b.total_length(), 5u);
  for (uint32_t i = 0; i < 5; ++i) EXPECT_EQ(a.Get(i), b.Get(i)) << i;
  EXPECT_EQ(b.Get(3), "de");

  const auto overrun = build(true, {0, 3, 0xFFFFFFFFu, 2}, "abcde");
  const WireStrings c(*wire::GetBatch(overrun.data()));
  EXPECT_EQ(c.total_length(), 0xFFFFFFFFull + 5);
  EXPECT_EQ(c.Get(1), "abc");
  EXPECT_EQ(c.Get(2), "");
  EXPECT_EQ(c.Get(3), "");
}

}  // namespace
}  // namespace recorder
