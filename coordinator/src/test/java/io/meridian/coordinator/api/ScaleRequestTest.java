package io.meridian.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.coordinator.scale.ScalePlanner;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScaleRequestTest {

  private static String invalid(ScaleRequest.Parsed parsed) {
    assertThat(parsed).isInstanceOf(ScaleRequest.Invalid.class);
    return ((ScaleRequest.Invalid) parsed).reason();
  }

  private static ScaleRequest valid(ScaleRequest.Parsed parsed) {
    assertThat(parsed).isInstanceOf(ScaleRequest.Valid.class);
    return ((ScaleRequest.Valid) parsed).request();
  }

  @Test
  void anAddNamesTheNodeAndTakesAutoUnlessARoleIsGiven() {
    assertThat(valid(ScaleRequest.add("{\"node\":\"10.0.0.7:6379\"}")))
        .isEqualTo(new ScaleRequest(ScaleRequest.ADD, "10.0.0.7:6379", Optional.of(ScalePlanner.Role.AUTO)));
    ScaleRequest replica = valid(ScaleRequest.add("{\"node\":\"10.0.0.7:6379\",\"role\":\"replica\"}"));
    assertThat(replica.role()).contains(ScalePlanner.Role.REPLICA);
    assertThat(replica.adding()).isTrue();
  }

  @Test
  void aMalformedAddSaysWhatIsWrong() {
    assertThat(invalid(ScaleRequest.add("{\"node\":"))).startsWith("the body must be a JSON object {");
    assertThat(invalid(ScaleRequest.add("[1]"))).startsWith("the body must be a JSON object {");
    assertThat(invalid(ScaleRequest.add(null))).contains("with \"node\": \"host:port\"");
    assertThat(invalid(ScaleRequest.add("  "))).contains("with \"node\": \"host:port\"");
    assertThat(invalid(ScaleRequest.add("{\"node\":7}"))).contains("with \"node\": \"host:port\"");
    assertThat(invalid(ScaleRequest.add("{\"node\":\"10.0.0.7\"}"))).contains("with \"node\": \"host:port\"");
    assertThat(invalid(ScaleRequest.add("{\"node\":\"10.0.0.7:6379\",\"role\":\"leader\"}")))
        .isEqualTo("\"role\" must be auto, primary or replica, got leader");
    assertThat(invalid(ScaleRequest.add("{\"node\":\"10.0.0.7:6379\",\"role\":1}")))
        .isEqualTo("\"role\" must be auto, primary or replica, got 1");
    assertThat(invalid(ScaleRequest.add("{\"node\":\"10.0.0.7:6379\",\"force\":true,\"slots\":1}")))
        .isEqualTo("unknown field(s) [force, slots]: the body takes \"node\" and \"role\"");
  }

  @Test
  void aRemoveNamesTheNodeInItsPath() {
    ScaleRequest remove = valid(ScaleRequest.remove("10.0.0.7:6379"));
    assertThat(remove.adding()).isFalse();
    assertThat(remove.role()).isEmpty();
    assertThat(invalid(ScaleRequest.remove("10.0.0.7"))).startsWith("the path must name the node as host:port");
    assertThat(invalid(ScaleRequest.remove(null))).startsWith("the path must name the node as host:port");
  }
}
