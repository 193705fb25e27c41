package io.meridian.agent.probe;

import io.meridian.messages.ProbeFailure;
import io.meridian.messages.ProbeFailure.Kind;
import java.net.ConnectException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Turns what went wrong in a probe into evidence. Pure: looks only at the exception chain.
 * Connection refused is the strongest evidence Meridian has (the process is gone), so it is only
 * reported when the operating system said exactly that.
 */
final class FailureClassifier {

  private FailureClassifier() {
  }

  static ProbeFailure classify(Throwable failure, String node) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (t instanceof ConnectException && text.contains("refused")) {
        return new ProbeFailure(Kind.REFUSED, "connection refused by " + node);
      }
      if (t instanceof ProbeTimeoutException || t instanceof TimeoutException
          || t.getClass().getSimpleName().contains("Timeout")) {
        return new ProbeFailure(Kind.TIMEOUT, t instanceof ProbeTimeoutException ? t.getMessage()
            : "no answer from " + node + " in time (" + t.getClass().getSimpleName() + ")");
      }
      if (text.contains("wrongpass") || text.contains("noauth") || text.contains("noperm")
          || t.getClass().getSimpleName().contains("Password") || t.getClass().getSimpleName().contains("Auth")) {
        return new ProbeFailure(Kind.AUTH, "authentication to " + node + " failed: " + firstLine(t.getMessage()));
      }
    }
    return new ProbeFailure(Kind.ERROR, node + ": " + failure.getClass().getSimpleName() + ": "
        + firstLine(failure.getMessage()));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}
