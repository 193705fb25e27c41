package io.meridian.coordinator.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.coordinator.scale.JobRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The scaling jobs handed from one leader to the next survive the trip exactly, or are refused. */
class ScalingJobsCodecTest {

  private static final Instant T0 = Instant.parse("2026-12-05T08:00:00.250Z");
  private static final ScalingJobsCodec CODEC = new ScalingJobsCodec();

  private static List<JobRecord> jobs() {
    return List.of(
        new JobRecord("a1b2c3d4", "add-node", "10.0.0.7:6379", Optional.of("primary"), 7, T0, "done",
            Optional.of("added 10.0.0.7:6379 as a primary"), Optional.empty(), Optional.of(T0.plusSeconds(30)),
            List.of(new JobRecord.Line(T0, "CONFIGURE on 10.0.0.7:6379: OK"))),
        new JobRecord("e5f6a7b8", "remove-node", "10.0.0.8:6379", Optional.empty(), 9, T0.plusSeconds(60), "running",
            Optional.empty(), Optional.empty(), Optional.empty(), List.of()));
  }

  @Test
  void jobsRoundTripWithTheirTerm() {
    CpTermRegister.Stamped<List<JobRecord>> back = CODEC.decode(CODEC.encode(jobs(), 9));
    assertThat(back.term()).isEqualTo(9);
    assertThat(back.value()).isEqualTo(jobs());
  }

  @Test
  void progressIsBoundedToTheNewestLines() {
    List<JobRecord.Line> many = java.util.stream.IntStream.range(0, JobRecord.MAX_LINES + 5)
        .mapToObj(i -> new JobRecord.Line(T0, "line " + i)).toList();
    JobRecord big = new JobRecord("x", "add-node", "n:1", Optional.empty(), 1, T0, "running", Optional.empty(),
        Optional.empty(), Optional.empty(), many);
    assertThat(big.progress()).hasSize(JobRecord.MAX_LINES);
    assertThat(big.progress().get(0).text()).isEqualTo("line 5");
  }

  @Test
  void malformedJobsAreRefusedNamingTheField() {
    String good = CODEC.encode(jobs(), 9);
    assertThatThrownBy(() -> CODEC.decode(good.replace("\"running\"", "\"paused\"")))
        .hasMessage("field 'jobs[1].state': expected one of [running, done, failed, interrupted], got paused");
    assertThatThrownBy(() -> CODEC.decode(good.replace("\"term\":7", "\"term\":-7")))
        .hasMessage("field 'jobs[0].term': expected an integer of at least 0, got -7");
    assertThatThrownBy(() -> CODEC.decode(good.replace("\"jobs\":[", "\"jobs\":[3,")))
        .hasMessage("field 'jobs[0]': expected an object, got 3");
  }
}
