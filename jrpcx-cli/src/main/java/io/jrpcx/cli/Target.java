package io.jrpcx.cli;

/**
 * A server address as rpcx writes it: {@code tcp@host:port} (also {@code tcp4}, {@code tcp6},
 * {@code http}, {@code ws}, {@code wss} and {@code reuseport}), {@code unix@/path/to.sock}, or a
 * plain {@code host:port} meaning TCP.
 */
record Target(String network, String address) {

  static Target parse(String text) {
    String s = text.trim();
    int at = s.indexOf('@');
    Target t = at < 0 ? new Target("tcp", s) : new Target(s.substring(0, at), s.substring(at + 1));
    if (t.address.isEmpty()) {
      throw new CliException(
          ExitCodes.USAGE,
          "address '"
              + text
              + "' names no server; expected "
              + "tcp@host:port, unix@/path or host:port");
    }
    switch (t.network) {
      case "tcp", "tcp4", "tcp6", "http", "ws", "wss", "reuseport" -> {
        int colon = t.address.lastIndexOf(':');
        if (colon <= 0
            || colon == t.address.length() - 1
            || !t.address.substring(colon + 1).chars().allMatch(Character::isDigit)) {
          throw new CliException(
              ExitCodes.USAGE,
              "address '"
                  + text
                  + "' has no host:port; expected "
                  + t.network
                  + "@host:port or host:port");
        }
      }
      case "unix" -> {}
      default ->
          throw new CliException(
              ExitCodes.USAGE,
              "address '"
                  + text
                  + "': network '"
                  + t.network
                  + "' is not supported; use tcp, tcp4, tcp6, http, ws, wss "
                  + "or reuseport @host:port, or unix@/path");
    }
    return t;
  }

  @Override
  public String toString() {
    return network + "@" + address;
  }
}
