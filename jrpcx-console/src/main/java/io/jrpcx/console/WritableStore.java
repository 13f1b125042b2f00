package io.jrpcx.console;

import java.util.function.UnaryOperator;

/**
 * A registry whose entries the console can steer: each node's metadata is rewritten in place the
 * way rpcx-ui rewrites it, keeping what makes the entry die with its server (etcd's lease,
 * ZooKeeper's ephemeral owner, Consul's session, Redis' TTL).
 */
interface WritableStore extends RegistryStore {

  /**
   * Rewrites the metadata of {@code node} of {@code service} with {@code edit} applied to what the
   * registry holds now, retrying when the entry changed in between (register plugins rewrite it to
   * publish their rates), and returns what was written.
   *
   * @throws java.util.NoSuchElementException when the registry has no such node
   */
  String update(String service, String node, UnaryOperator<String> edit) throws Exception;

  @Override
  default String readOnly() {
    return null;
  }
}
