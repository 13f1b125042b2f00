package io.jrpcx.transport.kcp;

/**
 * Reed–Solomon erasure coding over GF(2^8), the code kcp-go's FEC uses: klauspost/reedsolomon's
 * default {@code New(dataShards, parityShards)}, which is Backblaze's. The field is built on the
 * polynomial x^8+x^4+x^3+x^2+1 (0x11d, galois.go {@code generatingPolynomial = 29}) with generator
 * 2; the coding matrix (reedsolomon.go {@code buildMatrix}) is the {@code total × data}
 * Vandermonde matrix {@code vm[r][c] = r^c} (matrix.go {@code vandermonde}, galois.go {@code
 * galExp}) times the inverse of its top square, so its top is the identity and its bottom rows
 * make the parity shards. Any {@code dataShards} of the shards then give back the rest.
 *
 * <p>Immutable after construction; {@link #encodeParity} and {@link #reconstructData} keep no
 * state, so one instance may serve every session.
 */
final class ReedSolomon {
  private static final int[] EXP = new int[512];
  private static final int[] LOG = new int[256];

  static {
    int x = 1;
    for (int i = 0; i < 255; i++) {
      EXP[i] = x;
      LOG[x] = i;
      x <<= 1;
      if (x >= 256) {
        x ^= 0x11d;
      }
    }
    for (int i = 255; i < EXP.length; i++) {
      EXP[i] = EXP[i - 255];
    }
  }

  private final int dataShards;
  private final int parityShards;

  /** The coding matrix: rows {@code 0..dataShards} are the identity, the rest make parity. */
  private final int[][] matrix;

  ReedSolomon(int dataShards, int parityShards) {
    if (dataShards <= 0 || parityShards <= 0 || dataShards + parityShards > 256) {
      throw new IllegalArgumentException(
          "shards: " + dataShards + " data + " + parityShards + " parity");
    }
    this.dataShards = dataShards;
    this.parityShards = parityShards;
    int total = dataShards + parityShards;
    int[][] vm = new int[total][dataShards];
    for (int r = 0; r < total; r++) {
      for (int c = 0; c < dataShards; c++) {
        vm[r][c] = exp(r, c);
      }
    }
    int[][] top = new int[dataShards][];
    System.arraycopy(vm, 0, top, 0, dataShards);
    this.matrix = multiply(vm, invert(top));
  }

  static int mul(int a, int b) {
    return a == 0 || b == 0 ? 0 : EXP[LOG[a] + LOG[b]];
  }

  private static int div(int a, int b) {
    if (b == 0) {
      throw new ArithmeticException("division by zero in GF(256)");
    }
    return a == 0 ? 0 : EXP[LOG[a] + 255 - LOG[b]];
  }

  /** {@code a^n} in the field, {@code 0^0 = 1} as galExp has it. */
  static int exp(int a, int n) {
    if (n == 0) {
      return 1;
    }
    if (a == 0) {
      return 0;
    }
    return EXP[(LOG[a] * n) % 255];
  }

  int dataShards() {
    return dataShards;
  }

  int parityShards() {
    return parityShards;
  }

  /** The coding matrix's entry, for tests that check it against the reference. */
  int coefficient(int row, int column) {
    return matrix[row][column];
  }

  /**
   * Computes the parity shards: {@code shards[dataShards..total)} from {@code
   * shards[0..dataShards)}, each {@code size} bytes from {@code offset}.
   */
  void encodeParity(byte[][] shards, int offset, int size) {
    for (int p = 0; p < parityShards; p++) {
      byte[] out = shards[dataShards + p];
      java.util.Arrays.fill(out, offset, offset + size, (byte) 0);
      int[] row = matrix[dataShards + p];
      for (int d = 0; d < dataShards; d++) {
        mulAdd(row[d], shards[d], out, offset, size);
      }
    }
  }

  /**
   * Fills in the missing data shards ({@code present[i]} false, {@code i < dataShards}) from any
   * {@code dataShards} present ones, every shard {@code size} bytes from {@code offset}; missing
   * data shards must be arrays large enough. Parity shards that are missing stay missing.
   *
   * @return false when fewer than {@code dataShards} shards are present
   */
  boolean reconstructData(byte[][] shards, boolean[] present, int offset, int size) {
    int[] rows = new int[dataShards];
    int n = 0;
    for (int i = 0; i < shards.length && n < dataShards; i++) {
      if (present[i]) {
        rows[n++] = i;
      }
    }
    if (n < dataShards) {
      return false;
    }
    int[][] sub = new int[dataShards][];
    for (int i = 0; i < dataShards; i++) {
      sub[i] = matrix[rows[i]].clone();
    }
    int[][] decode = invert(sub);
    for (int d = 0; d < dataShards; d++) {
      if (present[d]) {
        continue;
      }
      byte[] out = shards[d];
      java.util.Arrays.fill(out, offset, offset + size, (byte) 0);
      for (int i = 0; i < dataShards; i++) {
        mulAdd(decode[d][i], shards[rows[i]], out, offset, size);
      }
    }
    return true;
  }

  private static void mulAdd(int c, byte[] in, byte[] out, int offset, int size) {
    if (c == 0) {
      return;
    }
    int logC = LOG[c];
    for (int i = offset, end = offset + size; i < end; i++) {
      int v = in[i] & 0xff;
      if (v != 0) {
        out[i] ^= (byte) EXP[logC + LOG[v]];
      }
    }
  }

  private static int[][] multiply(int[][] a, int[][] b) {
    int[][] r = new int[a.length][b[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b[0].length; j++) {
        int v = 0;
        for (int k = 0; k < b.length; k++) {
          v ^= mul(a[i][k], b[k][j]);
        }
        r[i][j] = v;
      }
    }
    return r;
  }

  /** Gauss–Jordan inversion of a square matrix (matrix.go {@code Invert}). */
  private static int[][] invert(int[][] m) {
    int n = m.length;
    int[][] w = new int[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(m[i], 0, w[i], 0, n);
      w[i][n + i] = 1;
    }
    for (int c = 0; c < n; c++) {
      if (w[c][c] == 0) {
        for (int r = c + 1; r < n; r++) {
          if (w[r][c] != 0) {
            int[] t = w[r];
            w[r] = w[c];
            w[c] = t;
            break;
          }
        }
      }
      if (w[c][c] == 0) {
        throw new IllegalArgumentException("singular matrix");
      }
      int scale = div(1, w[c][c]);
      for (int j = 0; j < 2 * n; j++) {
        w[c][j] = mul(w[c][j], scale);
      }
      for (int r = 0; r < n; r++) {
        if (r != c && w[r][c] != 0) {
          int f = w[r][c];
          for (int j = 0; j < 2 * n; j++) {
            w[r][j] ^= mul(f, w[c][j]);
          }
        }
      }
    }
    int[][] inv = new int[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(w[i], n, inv[i], 0, n);
    }
    return inv;
  }
}
