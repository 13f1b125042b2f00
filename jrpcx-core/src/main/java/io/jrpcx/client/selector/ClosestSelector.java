package io.jrpcx.client.selector;

import io.jrpcx.Context;
import io.jrpcx.client.discovery.KVPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The node nearest to the client by great-circle distance, rpcx's geo selector. The client's
 * position is fixed, so distances are worked out once per list change and a pick only chooses
 * among the nearest.
 */
final class ClosestSelector implements Selector {
  /** rpcx's Earth radius in metres (the equatorial radius). */
  static final double EARTH_RADIUS_METRES = 6_378_100;

  private final double latitude;
  private final double longitude;

  /**
   * The nodes equally nearest to the client; every node when none has a position, since a node
   * chosen blindly serves a caller better than none (rpcx selects nothing there).
   */
  private volatile String[] nearest = new String[0];

  ClosestSelector(double latitude, double longitude) {
    this.latitude = latitude;
    this.longitude = longitude;
  }

  @Override
  public String select(Context ctx, String servicePath, String serviceMethod, Object args) {
    String[] n = nearest;
    return switch (n.length) {
      case 0 -> null;
      case 1 -> n[0];
      default -> n[ThreadLocalRandom.current().nextInt(n.length)];
    };
  }

  @Override
  public void updateServer(List<KVPair> servers) {
    List<String> best = new ArrayList<>();
    double bestDistance = Double.POSITIVE_INFINITY;
    for (KVPair node : servers) {
      double lat = coordinate(node, "latitude");
      double lon = coordinate(node, "longitude");
      if (Double.isNaN(lat) || Double.isNaN(lon)) {
        continue;
      }
      double d = distanceMetres(latitude, longitude, lat, lon);
      if (d < bestDistance) {
        best.clear();
        bestDistance = d;
      }
      if (d == bestDistance) {
        best.add(node.key());
      }
    }
    if (best.isEmpty()) {
      servers.forEach(node -> best.add(node.key()));
    }
    nearest = best.toArray(new String[0]);
  }

  /** The metadata value as a finite number, or NaN when it is missing or is not one. */
  private static double coordinate(KVPair node, String name) {
    String value = node.metadata(name);
    if (value == null) {
      return Double.NaN;
    }
    try {
      double d = Double.parseDouble(value);
      return Double.isFinite(d) ? d : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** The haversine great-circle distance between two positions given in degrees. */
  static double distanceMetres(double lat1, double lon1, double lat2, double lon2) {
    double la1 = Math.toRadians(lat1);
    double la2 = Math.toRadians(lat2);
    double h = hav(la2 - la1) + Math.cos(la1) * Math.cos(la2) * hav(Math.toRadians(lon2 - lon1));
    // Rounding can push h a hair past 1 for antipodal points, where asin would return NaN.
    return 2 * EARTH_RADIUS_METRES * Math.asin(Math.sqrt(Math.min(1, h)));
  }

  private static double hav(double theta) {
    double s = Math.sin(theta / 2);
    return s * s;
  }
}
