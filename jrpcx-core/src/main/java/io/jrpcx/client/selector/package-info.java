/**
 * Choosing the node for a call: rpcx's selectors.
 *
 * <p>Start with {@link io.jrpcx.client.selector.Selector}, the contract an {@code XClient} uses: it
 * hands the selector every change of the node list and asks it for a node once per attempt. {@link
 * io.jrpcx.client.selector.Selectors} makes the built-in ones, one per {@link
 * io.jrpcx.client.SelectMode}: random, round robin, smooth weighted round robin, weighted by
 * measured latency, consistent hashing and closest by geography. {@link
 * io.jrpcx.client.selector.SelectFunction} is one selection, the shape that select plugins wrap.
 */
package io.jrpcx.client.selector;
