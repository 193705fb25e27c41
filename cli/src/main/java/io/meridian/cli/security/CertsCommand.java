package io.meridian.cli.security;

import io.meridian.cli.Meridian;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code meridian certs --dir DIR --host H[,H…] [--name NAME]}: a development CA (made once per
 * directory) and a certificate it signs, for {@code bus.tls}. Existing files are kept, so it can
 * run on every start of a set-up script.
 */
@Command(name = "certs", mixinStandardHelpOptions = true,
    description = "Make a development CA (DIR/ca.crt, ca.key; once) and a certificate it signs for the event bus's "
        + "mutual TLS (DIR/NAME.crt, NAME.key), keys mode 0600. Files that exist are kept. For production, use "
        + "your own PKI (docs/concepts/security.md).")
public final class CertsCommand implements Callable<Integer> {

  @Spec
  CommandSpec commandSpec;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Where the CA and the certificate go.")
  Path dir;

  @Option(names = "--host", required = true, split = ",", paramLabel = "HOST",
      description = "IP addresses and host names the certificate names (the bus.host of the processes that use it).")
  List<String> hosts;

  @Option(names = "--name", defaultValue = "node", paramLabel = "NAME",
      description = "File name of the certificate and its key (default: ${DEFAULT-VALUE}).")
  String name;

  @Override
  public Integer call() {
    try {
      DevCertificates.Result r = DevCertificates.ensure(dir, name, hosts);
      var out = commandSpec.commandLine().getOut();
      out.printf("%s %s (and its key %s)%n", r.caMade() ? "made the CA" : "kept the CA", r.caCert(),
          dir.resolve(DevCertificates.CA_KEY));
      out.printf("%s %s and %s%s%n", r.certMade() ? "made" : "kept", r.cert(), r.key(),
          r.certMade() ? " for " + String.join(", ", hosts) : "");
      return 0;
    } catch (IllegalArgumentException e) {
      commandSpec.commandLine().getErr().println("meridian certs: " + e.getMessage());
      return Meridian.EXIT_USAGE;
    } catch (IOException e) {
      commandSpec.commandLine().getErr().println("meridian certs: cannot write in " + dir + ": " + e);
      return Meridian.EXIT_FAILED;
    }
  }
}
