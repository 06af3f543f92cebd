package io.snakebridge.arrow.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** IPC streams in arrays, without Python: what Java writes it reads back, buffer by buffer. */
class ArrowIpcTest {
  @Test
  void aRootComesBackEqualWithItsMetadata() {
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = sample(allocator, 1000);
        VectorSchemaRoot back = ArrowIpc.read(ArrowIpc.write(root), allocator)) {
      assertTrue(root.equals(back), back.contentToTSVString());
      assertEquals(Map.of("origin", "test"), back.getSchema().getCustomMetadata());
    }
  }

  @Test
  void aVectorKeptHoldsOnlyItsOwnMemory() {
    try (BufferAllocator allocator = new RootAllocator()) {
      byte[] stream;
      try (VectorSchemaRoot root = sample(allocator, 100_000)) {
        stream = ArrowIpc.write(root);
      }
      VectorSchemaRoot back = ArrowIpc.read(stream, allocator);
      FieldVector kept = back.getVector("id");
      long own = kept.getBufferSize();
      back.getVector("name").close();
      assertTrue(
          allocator.getAllocatedMemory() < own * 2,
          allocator.getAllocatedMemory() + " bytes held for a vector of " + own);
      back.close();
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void anEmptyStreamIsAnEmptyRoot() {
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = sample(allocator, 0);
        VectorSchemaRoot back = ArrowIpc.read(ArrowIpc.write(root), allocator)) {
      assertEquals(0, back.getRowCount());
      assertEquals(root.getSchema(), back.getSchema());
    }
  }

  private static VectorSchemaRoot sample(BufferAllocator allocator, int rows) {
    BigIntVector id = new BigIntVector("id", allocator);
    VarCharVector name = new VarCharVector("name", allocator);
    id.allocateNew(rows);
    name.allocateNew(rows);
    for (int i = 0; i < rows; i++) {
      id.set(i, i * 3L);
      if (i % 7 == 0) {
        name.setNull(i);
      } else {
        name.setSafe(i, ("row " + i).getBytes(StandardCharsets.UTF_8));
      }
    }
    id.setValueCount(rows);
    name.setValueCount(rows);
    Schema schema = new Schema(List.of(id.getField(), name.getField()), Map.of("origin", "test"));
    return new VectorSchemaRoot(schema, List.<FieldVector>of(id, name), rows);
  }
}
