// Structs for the Thrift codec's tests. The Java classes under src/test/java/io/jrpcx/thrift/testing
// are generated from this file and checked in (see the module README for the command).
namespace java io.jrpcx.thrift.testing
namespace go codectest

struct Args {
  1: i32 a
  2: i32 b
}

struct Reply {
  1: i32 c
}

enum Color {
  RED = 1,
  GREEN = 2
}

struct Part {
  1: string name
  2: list<i64> values
}

struct Everything {
  1: bool flag
  2: i8 tiny
  3: i16 small
  4: i32 medium
  5: i64 large
  6: double real
  7: string text
  8: binary blob
  9: Color color
  10: Part part
  11: list<Part> parts
  12: set<string> tags
  13: map<string, Part> byName
  14: optional string note
}
