package io.snakebridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** {@link PyDateTime} and {@link PyTime}: the values that keep Python's fold. */
class PyFoldTest {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final LocalDateTime TWICE = LocalDateTime.of(2021, 11, 7, 1, 30);

  @Test
  void foldPicksTheOffsetAtAnOverlapAsZoneinfoDoes() {
    // Python: datetime(2021, 11, 7, 1, 30, fold=f, tzinfo=ZoneInfo("America/New_York"))
    assertEquals(ZoneOffset.ofHours(-4), PyDateTime.of(TWICE, 0).atZone(NEW_YORK).getOffset());
    assertEquals(ZoneOffset.ofHours(-5), PyDateTime.of(TWICE, 1).atZone(NEW_YORK).getOffset());
    assertEquals(TWICE, PyDateTime.of(TWICE, 1).atZone(NEW_YORK).toLocalDateTime());
  }

  @Test
  void awareValuesGiveTheirOffsetDateTime() {
    OffsetDateTime later = TWICE.atOffset(ZoneOffset.ofHours(-5));
    PyDateTime aware = PyDateTime.of(later, 1);
    assertEquals(later, aware.toOffsetDateTime());
    assertEquals(true, aware.isAware());
    assertEquals("2021-11-07T01:30-05:00 fold=1", aware.toString());
    assertThrows(IllegalStateException.class, () -> PyDateTime.of(TWICE, 1).toOffsetDateTime());
  }

  @Test
  void foldIsZeroOrOne() {
    assertThrows(IllegalArgumentException.class, () -> PyDateTime.of(TWICE, 2));
    assertThrows(IllegalArgumentException.class, () -> PyTime.of(LocalTime.NOON, -1));
    assertThrows(NullPointerException.class, () -> new PyDateTime(null, null, 0));
    assertEquals("01:30 fold=1", PyTime.of(LocalTime.of(1, 30), 1).toString());
  }
}
