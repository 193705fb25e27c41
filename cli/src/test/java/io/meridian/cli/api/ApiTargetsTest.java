package io.meridian.cli.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiTargetsTest {

  @Test
  void aListFromTheOptionOrTheEnvironmentInOrderWithoutRepeats() {
    assertThat(ApiTargets.parse(List.of("http://10.0.0.2:8080", "HTTP://10.1.0.2:8080/"), "http://ignored:1").urls())
        .containsExactly(URI.create("http://10.0.0.2:8080"), URI.create("http://10.1.0.2:8080"));
    assertThat(ApiTargets.parse(null, "http://a:8080, http://b:8080,http://a:8080").urls())
        .containsExactly(URI.create("http://a:8080"), URI.create("http://b:8080"));
    assertThat(ApiTargets.parse(List.of(), "https://a").urls()).containsExactly(URI.create("https://a:443"));
  }

  @Test
  void aMalformedOrMissingUrlIsRefusedSayingWhichAndWhere() {
    assertThatThrownBy(() -> ApiTargets.parse(List.of("127.0.0.1:8080"), null))
        .hasMessage("--api: '127.0.0.1:8080' is not a coordinator's base URL: expected http://HOST:PORT or "
            + "https://HOST:PORT, without a path");
    assertThatThrownBy(() -> ApiTargets.parse(null, "http://a:8080,ftp://b"))
        .hasMessageStartingWith("MERIDIAN_API: 'ftp://b' is not a coordinator's base URL");
    assertThatThrownBy(() -> ApiTargets.parse(List.of("http://a:8080/api/v1"), null)).hasMessageContaining("without a path");
    assertThatThrownBy(() -> ApiTargets.parse(List.of("http://a b:8080"), null)).hasMessageContaining("'http://a b:8080'");
    assertThatThrownBy(() -> ApiTargets.parse(null, null)).hasMessageContaining("pass --api URL[,URL...] or set MERIDIAN_API");
    assertThatThrownBy(() -> ApiTargets.parse(List.of(" , "), null)).hasMessageStartingWith("--api is empty");
  }

  @Test
  void onlyAConfiguredCoordinatorIsAllowedAsTheLeaderToFollow() {
    ApiTargets t = ApiTargets.parse(List.of("http://10.0.0.2:8080", "http://10.1.0.2:8080"), null);
    assertThat(t.allows("http://10.1.0.2:8080")).isTrue();
    assertThat(t.allows("http://10.1.0.2:8080/")).isTrue();
    assertThat(t.allows("http://10.2.0.2:8080")).isFalse();
    assertThat(t.allows("http://10.1.0.2:9090")).isFalse();
    assertThat(t.allows("https://10.1.0.2:8080")).isFalse();
    assertThat(t.allows("not a url")).isFalse();
    assertThat(t.allows(null)).isFalse();
  }
}
