using System.Numerics;

namespace LlmChains.Internals.Numerics;

/// <summary>
/// Real Schur decomposition A = Z·T·Zᵀ of a small dense matrix (the projected problems of Krylov–Schur), with
/// reordering of the diagonal blocks. Matrices are row-major flat arrays of order n (element (i, j) at i·n + j).
/// </summary>
/// <remarks>
/// <para>Hessenberg reduction by Householder reflections, then Francis double-shift QR with Wilkinson's and
/// MATLAB's exceptional shifts (the EISPACK <c>orthes</c>/<c>hqr2</c> scheme, as in JAMA), accumulating the
/// orthogonal Z. T is quasi upper triangular: 1×1 blocks for real eigenvalues, 2×2 blocks (T[i+1, i] ≠ 0) for
/// complex-conjugate pairs; every other entry below the diagonal is exactly 0.</para>
/// <para>Reordering swaps adjacent blocks with orthogonal similarities (LAPACK <c>dlaexc</c>: a Givens rotation for two
/// 1×1 blocks, otherwise the invariant subspace [X; I] from the Sylvester equation A₁₁X − XA₂₂ = −A₁₂ and its QR
/// factorisation), so eigenvalues and invariant subspaces are preserved to rounding.</para>
/// </remarks>
internal static class HessenbergSchur
{
    private const double Eps = 2.220446049250313e-16;

    /// <summary>
    /// Overwrites <paramref name="a"/> (n×n, row-major, general) with its real Schur form T and <paramref name="z"/>
    /// with the orthogonal Z such that A = Z·T·Zᵀ. Returns false if the QR iteration did not converge.
    /// </summary>
    public static bool Decompose(double[] a, double[] z, int n)
    {
        z.AsSpan(0, n * n).Clear();
        for (int i = 0; i < n; i++)
        {
            z[(i * n) + i] = 1.0;
        }

        if (n == 0)
        {
            return true;
        }

        ReduceToHessenberg(a, z, n);
        bool converged = HessenbergQr(a, z, n);

        // The QR sweeps leave stale bulge entries below the sub-diagonal (never read again): T has exact zeros there.
        for (int i = 2; i < n; i++)
        {
            a.AsSpan(i * n, i - 1).Clear();
        }

        return converged;
    }

    /// <summary>The size (1 or 2) of the diagonal block starting at row <paramref name="i"/> of a real Schur form.</summary>
    public static int BlockSize(double[] t, int n, int i) => i + 1 < n && t[((i + 1) * n) + i] != 0 ? 2 : 1;

    /// <summary>The eigenvalues of the real Schur form T along its diagonal (a complex pair: positive imaginary part first).</summary>
    public static Complex[] Eigenvalues(double[] t, int n)
    {
        var values = new Complex[n];
        for (int i = 0; i < n;)
        {
            if (BlockSize(t, n, i) == 1)
            {
                values[i] = t[(i * n) + i];
                i++;
            }
            else
            {
                (Complex first, Complex second) = BlockEigenvalues(t, n, i);
                values[i] = first;
                values[i + 1] = second;
                i += 2;
            }
        }

        return values;
    }

    /// <summary>
    /// Reorders the real Schur form (T, Z) so that its eigenvalues of largest modulus come first, in non-increasing
    /// modulus, until at least <paramref name="count"/> eigenvalues are placed; a complex pair is never split, so the
    /// return value (the number placed) is <paramref name="count"/> or <paramref name="count"/> + 1.
    /// Ties keep their current order.
    /// </summary>
    public static int SortByModulus(double[] t, double[] z, int n, int count)
    {
        int position = 0;
        while (position < count && position < n)
        {
            int best = position;
            double bestModulus = BlockModulus(t, n, position);
            for (int i = position + BlockSize(t, n, position); i < n; i += BlockSize(t, n, i))
            {
                double modulus = BlockModulus(t, n, i);
                if (modulus > bestModulus)
                {
                    best = i;
                    bestModulus = modulus;
                }
            }

            int at = best;
            while (at > position)
            {
                int above = at >= position + 2 && t[((at - 1) * n) + at - 2] != 0 ? at - 2 : at - 1;
                int sizeAbove = at - above;
                int size = BlockSize(t, n, at);
                SwapAdjacentBlocks(t, z, n, above, sizeAbove, size);
                at = above;
            }

            position += BlockSize(t, n, position);
        }

        return position;
    }

    /// <summary>
    /// A right eigenvector x of the quasi-triangular T for the eigenvalue of the block at <paramref name="position"/>
    /// (the one with non-negative imaginary part for a 2×2 block): (T − λI)x = 0, x zero below the block, ‖x‖₂ = 1.
    /// </summary>
    public static Complex[] Eigenvector(double[] t, int n, int position, out Complex lambda)
    {
        var x = new Complex[n];
        int size = BlockSize(t, n, position);
        double norm = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = Math.Max(0, i - 1); j < n; j++)
            {
                norm = Math.Max(norm, Math.Abs(t[(i * n) + j]));
            }
        }

        double small = Math.Max(Eps * norm, double.Epsilon * 1e10);
        int end;
        if (size == 1)
        {
            lambda = t[(position * n) + position];
            x[position] = 1.0;
            end = position;
        }
        else
        {
            (lambda, _) = BlockEigenvalues(t, n, position);
            double a = t[(position * n) + position];
            double b = t[(position * n) + position + 1];
            double c = t[((position + 1) * n) + position];
            double d = t[((position + 1) * n) + position + 1];
            // (a − λ) x₀ + b x₁ = 0 and c x₀ + (d − λ) x₁ = 0: take the better conditioned of the two rows.
            if (Math.Abs(b) + Complex.Abs(lambda - a) >= Math.Abs(c) + Complex.Abs(lambda - d))
            {
                x[position] = b;
                x[position + 1] = lambda - a;
            }
            else
            {
                x[position] = lambda - d;
                x[position + 1] = c;
            }

            end = position + 1;
        }

        int row = position - 1;
        while (row >= 0)
        {
            if (row >= 1 && t[(row * n) + row - 1] != 0)
            {
                int top = row - 1;
                Complex r0 = -Dot(t, n, top, row + 1, end, x);
                Complex r1 = -Dot(t, n, row, row + 1, end, x);
                Complex m00 = t[(top * n) + top] - lambda;
                Complex m01 = t[(top * n) + row];
                Complex m10 = t[(row * n) + top];
                Complex m11 = t[(row * n) + row] - lambda;
                Complex det = (m00 * m11) - (m01 * m10);
                if (Complex.Abs(det) < small * small)
                {
                    det = small * small;
                }

                x[top] = ((r0 * m11) - (m01 * r1)) / det;
                x[row] = ((m00 * r1) - (m10 * r0)) / det;
                row -= 2;
            }
            else
            {
                Complex rhs = -Dot(t, n, row, row + 1, end, x);
                Complex pivot = t[(row * n) + row] - lambda;
                if (Complex.Abs(pivot) < small)
                {
                    pivot = small;
                }

                x[row] = rhs / pivot;
                row--;
            }

            double largest = 0;
            for (int i = row + 1; i <= end; i++)
            {
                largest = Math.Max(largest, Complex.Abs(x[i]));
            }

            if (largest > 1e100)
            {
                for (int i = row + 1; i <= end; i++)
                {
                    x[i] /= largest;
                }
            }
        }

        double length = 0;
        for (int i = 0; i <= end; i++)
        {
            length += (x[i].Real * x[i].Real) + (x[i].Imaginary * x[i].Imaginary);
        }

        length = Math.Sqrt(length);
        for (int i = 0; i <= end; i++)
        {
            x[i] /= length;
        }

        return x;
    }

    /// <summary>The eigenvalues of the 2×2 block at <paramref name="i"/> (positive imaginary part first when complex).</summary>
    private static (Complex First, Complex Second) BlockEigenvalues(double[] t, int n, int i)
    {
        double a = t[(i * n) + i];
        double b = t[(i * n) + i + 1];
        double c = t[((i + 1) * n) + i];
        double d = t[((i + 1) * n) + i + 1];
        double p = 0.5 * (a - d);
        double discriminant = (p * p) + (b * c);
        double mean = 0.5 * (a + d);
        if (discriminant < 0)
        {
            double imaginary = Math.Sqrt(-discriminant);
            return (new Complex(mean, imaginary), new Complex(mean, -imaginary));
        }

        double root = Math.Sqrt(discriminant);
        return (mean + root, mean - root);
    }

    private static double BlockModulus(double[] t, int n, int i)
    {
        if (BlockSize(t, n, i) == 1)
        {
            return Math.Abs(t[(i * n) + i]);
        }

        (Complex first, Complex second) = BlockEigenvalues(t, n, i);
        return Math.Max(Complex.Abs(first), Complex.Abs(second));
    }

    private static Complex Dot(double[] t, int n, int row, int from, int to, Complex[] x)
    {
        Complex sum = Complex.Zero;
        for (int j = from; j <= to; j++)
        {
            sum += t[(row * n) + j] * x[j];
        }

        return sum;
    }

    /// <summary>Householder reduction to upper Hessenberg form (EISPACK orthes), accumulating into Z.</summary>
    private static void ReduceToHessenberg(double[] h, double[] v, int n)
    {
        int high = n - 1;
        var ort = new double[n];
        for (int m = 1; m <= high - 1; m++)
        {
            double scale = 0;
            for (int i = m; i <= high; i++)
            {
                scale += Math.Abs(h[(i * n) + m - 1]);
            }

            if (scale == 0)
            {
                continue;
            }

            double hh = 0;
            for (int i = high; i >= m; i--)
            {
                ort[i] = h[(i * n) + m - 1] / scale;
                hh += ort[i] * ort[i];
            }

            double g = Math.Sqrt(hh);
            if (ort[m] > 0)
            {
                g = -g;
            }

            hh -= ort[m] * g;
            ort[m] -= g;

            // H = (I − u·uᵀ/h)·H·(I − u·uᵀ/h)
            for (int j = m; j < n; j++)
            {
                double f = 0;
                for (int i = high; i >= m; i--)
                {
                    f += ort[i] * h[(i * n) + j];
                }

                f /= hh;
                for (int i = m; i <= high; i++)
                {
                    h[(i * n) + j] -= f * ort[i];
                }
            }

            for (int i = 0; i <= high; i++)
            {
                double f = 0;
                for (int j = high; j >= m; j--)
                {
                    f += ort[j] * h[(i * n) + j];
                }

                f /= hh;
                for (int j = m; j <= high; j++)
                {
                    h[(i * n) + j] -= f * ort[j];
                }
            }

            ort[m] *= scale;
            h[(m * n) + m - 1] = scale * g;
        }

        // Accumulate the transformations (Z starts as the identity).
        for (int m = high - 1; m >= 1; m--)
        {
            if (h[(m * n) + m - 1] == 0)
            {
                continue;
            }

            for (int i = m + 1; i <= high; i++)
            {
                ort[i] = h[(i * n) + m - 1];
            }

            for (int j = m; j <= high; j++)
            {
                double g = 0;
                for (int i = m; i <= high; i++)
                {
                    g += ort[i] * v[(i * n) + j];
                }

                g = g / ort[m] / h[(m * n) + m - 1]; // double division avoids underflow
                for (int i = m; i <= high; i++)
                {
                    v[(i * n) + j] += g * ort[i];
                }
            }
        }

        for (int i = 2; i < n; i++)
        {
            for (int j = 0; j < i - 1; j++)
            {
                h[(i * n) + j] = 0;
            }
        }
    }

    /// <summary>Francis double-shift QR on an upper Hessenberg H (EISPACK hqr2 without back-substitution), accumulating into Z.</summary>
    private static bool HessenbergQr(double[] h, double[] v, int nn)
    {
        int n = nn - 1;
        const int low = 0;
        int high = nn - 1;
        double exshift = 0;
        double p = 0, q = 0, r = 0, s, z = 0, w, x, y;
        int iterations = 0;
        int totalIterations = 0;
        int maxTotal = 100 * Math.Max(nn, 10);

        double norm = 0;
        for (int i = 0; i < nn; i++)
        {
            for (int j = Math.Max(i - 1, 0); j < nn; j++)
            {
                norm += Math.Abs(h[(i * nn) + j]);
            }
        }

        while (n >= low)
        {
            // Look for a single small sub-diagonal element.
            int l = n;
            while (l > low)
            {
                s = Math.Abs(h[((l - 1) * nn) + l - 1]) + Math.Abs(h[(l * nn) + l]);
                if (s == 0)
                {
                    s = norm;
                }

                if (Math.Abs(h[(l * nn) + l - 1]) < Eps * s)
                {
                    break;
                }

                l--;
            }

            if (l == n)
            {
                // One root.
                h[(n * nn) + n] += exshift;
                if (n > low)
                {
                    h[(n * nn) + n - 1] = 0;
                }

                n--;
                iterations = 0;
            }
            else if (l == n - 1)
            {
                // Two roots.
                w = h[(n * nn) + n - 1] * h[((n - 1) * nn) + n];
                p = (h[((n - 1) * nn) + n - 1] - h[(n * nn) + n]) / 2.0;
                q = (p * p) + w;
                z = Math.Sqrt(Math.Abs(q));
                h[(n * nn) + n] += exshift;
                h[((n - 1) * nn) + n - 1] += exshift;
                if (q >= 0)
                {
                    // A real pair: triangularise the block with a rotation.
                    z = p >= 0 ? p + z : p - z;
                    x = h[(n * nn) + n - 1];
                    s = Math.Abs(x) + Math.Abs(z);
                    p = x / s;
                    q = z / s;
                    r = Math.Sqrt((p * p) + (q * q));
                    p /= r;
                    q /= r;
                    RotateRows(h, nn, n - 1, n, n - 1, nn - 1, q, p);
                    RotateColumns(h, nn, n - 1, n, 0, n, q, p);
                    RotateColumns(v, nn, n - 1, n, low, high, q, p);
                    h[(n * nn) + n - 1] = 0;
                }

                if (n - 1 > low)
                {
                    h[((n - 1) * nn) + n - 2] = 0;
                }

                n -= 2;
                iterations = 0;
            }
            else
            {
                // No convergence yet: form the shift.
                x = h[(n * nn) + n];
                y = 0;
                w = 0;
                if (l < n)
                {
                    y = h[((n - 1) * nn) + n - 1];
                    w = h[(n * nn) + n - 1] * h[((n - 1) * nn) + n];
                }

                if (iterations == 10)
                {
                    // Wilkinson's original ad hoc shift.
                    exshift += x;
                    for (int i = low; i <= n; i++)
                    {
                        h[(i * nn) + i] -= x;
                    }

                    s = Math.Abs(h[(n * nn) + n - 1]) + Math.Abs(h[((n - 1) * nn) + n - 2]);
                    x = y = 0.75 * s;
                    w = -0.4375 * s * s;
                }

                if (iterations == 30)
                {
                    // MATLAB's ad hoc shift.
                    s = (y - x) / 2.0;
                    s = (s * s) + w;
                    if (s > 0)
                    {
                        s = Math.Sqrt(s);
                        if (y < x)
                        {
                            s = -s;
                        }

                        s = x - (w / (((y - x) / 2.0) + s));
                        for (int i = low; i <= n; i++)
                        {
                            h[(i * nn) + i] -= s;
                        }

                        exshift += s;
                        x = y = w = 0.964;
                    }
                }

                iterations++;
                if (++totalIterations > maxTotal)
                {
                    return false;
                }

                // Look for two consecutive small sub-diagonal elements.
                int m = n - 2;
                while (m >= l)
                {
                    z = h[(m * nn) + m];
                    r = x - z;
                    s = y - z;
                    p = (((r * s) - w) / h[((m + 1) * nn) + m]) + h[(m * nn) + m + 1];
                    q = h[((m + 1) * nn) + m + 1] - z - r - s;
                    r = h[((m + 2) * nn) + m + 1];
                    s = Math.Abs(p) + Math.Abs(q) + Math.Abs(r);
                    p /= s;
                    q /= s;
                    r /= s;
                    if (m == l)
                    {
                        break;
                    }

                    if (Math.Abs(h[(m * nn) + m - 1]) * (Math.Abs(q) + Math.Abs(r)) <
                        Eps * (Math.Abs(p) * (Math.Abs(h[((m - 1) * nn) + m - 1]) + Math.Abs(z) + Math.Abs(h[((m + 1) * nn) + m + 1]))))
                    {
                        break;
                    }

                    m--;
                }

                for (int i = m + 2; i <= n; i++)
                {
                    h[(i * nn) + i - 2] = 0;
                    if (i > m + 2)
                    {
                        h[(i * nn) + i - 3] = 0;
                    }
                }

                // Double QR step on rows l..n and columns m..n.
                for (int k = m; k <= n - 1; k++)
                {
                    bool notLast = k != n - 1;
                    if (k != m)
                    {
                        p = h[(k * nn) + k - 1];
                        q = h[((k + 1) * nn) + k - 1];
                        r = notLast ? h[((k + 2) * nn) + k - 1] : 0.0;
                        x = Math.Abs(p) + Math.Abs(q) + Math.Abs(r);
                        if (x == 0)
                        {
                            continue;
                        }

                        p /= x;
                        q /= x;
                        r /= x;
                    }

                    s = Math.Sqrt((p * p) + (q * q) + (r * r));
                    if (p < 0)
                    {
                        s = -s;
                    }

                    if (s == 0)
                    {
                        continue;
                    }

                    if (k != m)
                    {
                        h[(k * nn) + k - 1] = -s * x;
                    }
                    else if (l != m)
                    {
                        h[(k * nn) + k - 1] = -h[(k * nn) + k - 1];
                    }

                    p += s;
                    x = p / s;
                    y = q / s;
                    z = r / s;
                    q /= p;
                    r /= p;

                    for (int j = k; j < nn; j++)
                    {
                        p = h[(k * nn) + j] + (q * h[((k + 1) * nn) + j]);
                        if (notLast)
                        {
                            p += r * h[((k + 2) * nn) + j];
                            h[((k + 2) * nn) + j] -= p * z;
                        }

                        h[(k * nn) + j] -= p * x;
                        h[((k + 1) * nn) + j] -= p * y;
                    }

                    int last = Math.Min(n, k + 3);
                    for (int i = 0; i <= last; i++)
                    {
                        p = (x * h[(i * nn) + k]) + (y * h[(i * nn) + k + 1]);
                        if (notLast)
                        {
                            p += z * h[(i * nn) + k + 2];
                            h[(i * nn) + k + 2] -= p * r;
                        }

                        h[(i * nn) + k] -= p;
                        h[(i * nn) + k + 1] -= p * q;
                    }

                    for (int i = low; i <= high; i++)
                    {
                        p = (x * v[(i * nn) + k]) + (y * v[(i * nn) + k + 1]);
                        if (notLast)
                        {
                            p += z * v[(i * nn) + k + 2];
                            v[(i * nn) + k + 2] -= p * r;
                        }

                        v[(i * nn) + k] -= p;
                        v[(i * nn) + k + 1] -= p * q;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>Rows i, j over columns from..to: rowᵢ ← c·rowᵢ + s·rowⱼ, rowⱼ ← c·rowⱼ − s·rowᵢ.</summary>
    private static void RotateRows(double[] a, int n, int i, int j, int from, int to, double c, double s)
    {
        for (int k = from; k <= to; k++)
        {
            double u = a[(i * n) + k];
            double w = a[(j * n) + k];
            a[(i * n) + k] = (c * u) + (s * w);
            a[(j * n) + k] = (c * w) - (s * u);
        }
    }

    /// <summary>Columns i, j over rows from..to: colᵢ ← c·colᵢ + s·colⱼ, colⱼ ← c·colⱼ − s·colᵢ.</summary>
    private static void RotateColumns(double[] a, int n, int i, int j, int from, int to, double c, double s)
    {
        for (int k = from; k <= to; k++)
        {
            double u = a[(k * n) + i];
            double w = a[(k * n) + j];
            a[(k * n) + i] = (c * u) + (s * w);
            a[(k * n) + j] = (c * w) - (s * u);
        }
    }

    /// <summary>
    /// Swaps the adjacent diagonal blocks at <paramref name="j"/> (size <paramref name="p"/>) and j + p (size
    /// <paramref name="q"/>) by an orthogonal similarity applied to T and accumulated into Z.
    /// </summary>
    private static void SwapAdjacentBlocks(double[] t, double[] z, int n, int j, int p, int q)
    {
        if (p == 1 && q == 1)
        {
            double t11 = t[(j * n) + j];
            double t22 = t[((j + 1) * n) + j + 1];
            (double c, double s) = Givens(t[(j * n) + j + 1], t22 - t11);
            RotateRows(t, n, j, j + 1, j + 2, n - 1, c, s);
            RotateColumns(t, n, j, j + 1, 0, j - 1, c, s);
            t[(j * n) + j] = t22;
            t[((j + 1) * n) + j + 1] = t11;
            RotateColumns(z, n, j, j + 1, 0, n - 1, c, s);
            return;
        }

        int size = p + q;
        double blockNorm = 0;
        for (int r = j; r < j + size; r++)
        {
            for (int c = j; c < j + size; c++)
            {
                blockNorm = Math.Max(blockNorm, Math.Abs(t[(r * n) + c]));
            }
        }

        // Solve A11·X − X·A22 = −A12 (X is p×q) through its Kronecker form, X stored column-major.
        int unknowns = p * q;
        Span<double> system = stackalloc double[16];
        Span<double> rhs = stackalloc double[4];
        system.Clear();
        for (int col = 0; col < q; col++)
        {
            for (int row = 0; row < p; row++)
            {
                int eq = (col * p) + row;
                rhs[eq] = -t[((j + row) * n) + j + p + col];
                for (int k = 0; k < p; k++)
                {
                    system[(eq * unknowns) + (col * p) + k] += t[((j + row) * n) + j + k];
                }

                for (int k = 0; k < q; k++)
                {
                    system[(eq * unknowns) + (k * p) + row] -= t[((j + p + k) * n) + j + p + col];
                }
            }
        }

        Span<double> x = stackalloc double[4];
        SolveSmall(system, rhs, x, unknowns, Math.Max(Eps * blockNorm, 1e-300));

        // Y = [X; I_q] (size×q); Householder QR gives the orthogonal Q whose first q columns span range(Y).
        Span<double> y = stackalloc double[8];
        y.Clear();
        for (int row = 0; row < p; row++)
        {
            for (int col = 0; col < q; col++)
            {
                y[(row * q) + col] = x[(col * p) + row];
            }
        }

        for (int col = 0; col < q; col++)
        {
            y[((p + col) * q) + col] = 1.0;
        }

        Span<double> qm = stackalloc double[16];
        HouseholderQ(y, size, q, qm);

        // T ← Qᵀ·T·Q on the affected rows and columns, Z ← Z·Q.
        Span<double> buffer = stackalloc double[4];
        for (int c = j; c < n; c++)
        {
            for (int r = 0; r < size; r++)
            {
                double sum = 0;
                for (int k = 0; k < size; k++)
                {
                    sum += qm[(k * size) + r] * t[((j + k) * n) + c];
                }

                buffer[r] = sum;
            }

            for (int r = 0; r < size; r++)
            {
                t[((j + r) * n) + c] = buffer[r];
            }
        }

        for (int r = 0; r < j + size; r++)
        {
            MultiplyRowSegment(t, n, r, j, size, qm, buffer);
        }

        for (int r = 0; r < n; r++)
        {
            MultiplyRowSegment(z, n, r, j, size, qm, buffer);
        }

        // The block below the new leading q×q block is zero up to rounding.
        for (int r = j + q; r < j + size; r++)
        {
            for (int c = j; c < j + q; c++)
            {
                t[(r * n) + c] = 0;
            }
        }

        // New 2×2 blocks whose eigenvalues came out real are split into two 1×1 blocks.
        if (q == 2)
        {
            SplitIfReal(t, z, n, j);
        }

        if (p == 2)
        {
            SplitIfReal(t, z, n, j + q);
        }
    }

    private static void MultiplyRowSegment(double[] a, int n, int row, int j, int size, ReadOnlySpan<double> qm, Span<double> buffer)
    {
        for (int c = 0; c < size; c++)
        {
            double sum = 0;
            for (int k = 0; k < size; k++)
            {
                sum += a[(row * n) + j + k] * qm[(k * size) + c];
            }

            buffer[c] = sum;
        }

        for (int c = 0; c < size; c++)
        {
            a[(row * n) + j + c] = buffer[c];
        }
    }

    /// <summary>If the 2×2 block at <paramref name="i"/> has real eigenvalues, triangularises it with a rotation.</summary>
    private static void SplitIfReal(double[] t, double[] z, int n, int i)
    {
        double sub = t[((i + 1) * n) + i];
        if (sub == 0)
        {
            return;
        }

        double w = sub * t[(i * n) + i + 1];
        double p = (t[(i * n) + i] - t[((i + 1) * n) + i + 1]) / 2.0;
        double q = (p * p) + w;
        if (q < 0)
        {
            return;
        }

        double root = Math.Sqrt(q);
        double zz = p >= 0 ? p + root : p - root;
        double x = sub;
        double s = Math.Abs(x) + Math.Abs(zz);
        if (s == 0)
        {
            t[((i + 1) * n) + i] = 0;
            return;
        }

        double pp = x / s;
        double qq = zz / s;
        double r = Math.Sqrt((pp * pp) + (qq * qq));
        pp /= r;
        qq /= r;
        RotateRows(t, n, i, i + 1, i, n - 1, qq, pp);
        RotateColumns(t, n, i, i + 1, 0, i + 1, qq, pp);
        RotateColumns(z, n, i, i + 1, 0, n - 1, qq, pp);
        t[((i + 1) * n) + i] = 0;
    }

    /// <summary>(c, s) with c·f + s·g = r and −s·f + c·g = 0.</summary>
    private static (double C, double S) Givens(double f, double g)
    {
        if (g == 0)
        {
            return (1.0, 0.0);
        }

        if (f == 0)
        {
            return (0.0, 1.0);
        }

        double r = Math.Sqrt((f * f) + (g * g));
        return (f / r, g / r);
    }

    /// <summary>
    /// Gaussian elimination with complete pivoting on a k×k system (k ≤ 4); tiny pivots are raised to
    /// <paramref name="smallest"/>.
    /// </summary>
    private static void SolveSmall(Span<double> a, Span<double> b, Span<double> x, int k, double smallest)
    {
        Span<int> columnOrder = stackalloc int[4];
        for (int i = 0; i < k; i++)
        {
            columnOrder[i] = i;
        }

        for (int step = 0; step < k; step++)
        {
            int pr = step, pc = step;
            double best = -1;
            for (int r = step; r < k; r++)
            {
                for (int c = step; c < k; c++)
                {
                    double value = Math.Abs(a[(r * k) + c]);
                    if (value > best)
                    {
                        best = value;
                        pr = r;
                        pc = c;
                    }
                }
            }

            if (pr != step)
            {
                for (int c = 0; c < k; c++)
                {
                    (a[(step * k) + c], a[(pr * k) + c]) = (a[(pr * k) + c], a[(step * k) + c]);
                }

                (b[step], b[pr]) = (b[pr], b[step]);
            }

            if (pc != step)
            {
                for (int r = 0; r < k; r++)
                {
                    (a[(r * k) + step], a[(r * k) + pc]) = (a[(r * k) + pc], a[(r * k) + step]);
                }

                (columnOrder[step], columnOrder[pc]) = (columnOrder[pc], columnOrder[step]);
            }

            if (Math.Abs(a[(step * k) + step]) < smallest)
            {
                a[(step * k) + step] = a[(step * k) + step] < 0 ? -smallest : smallest;
            }

            for (int r = step + 1; r < k; r++)
            {
                double factor = a[(r * k) + step] / a[(step * k) + step];
                for (int c = step; c < k; c++)
                {
                    a[(r * k) + c] -= factor * a[(step * k) + c];
                }

                b[r] -= factor * b[step];
            }
        }

        Span<double> solution = stackalloc double[4];
        for (int r = k - 1; r >= 0; r--)
        {
            double sum = b[r];
            for (int c = r + 1; c < k; c++)
            {
                sum -= a[(r * k) + c] * solution[c];
            }

            solution[r] = sum / a[(r * k) + r];
        }

        for (int i = 0; i < k; i++)
        {
            x[columnOrder[i]] = solution[i];
        }
    }

    /// <summary>
    /// The explicit orthogonal Q (rows×rows) of the Householder QR of the rows×cols matrix <paramref name="y"/>
    /// (row-major).
    /// </summary>
    private static void HouseholderQ(Span<double> y, int rows, int cols, Span<double> q)
    {
        q.Clear();
        for (int i = 0; i < rows; i++)
        {
            q[(i * rows) + i] = 1.0;
        }

        Span<double> v = stackalloc double[4];
        for (int c = 0; c < cols; c++)
        {
            double norm = 0;
            for (int r = c; r < rows; r++)
            {
                norm += y[(r * cols) + c] * y[(r * cols) + c];
            }

            norm = Math.Sqrt(norm);
            if (norm == 0)
            {
                continue;
            }

            double alpha = y[(c * cols) + c] > 0 ? -norm : norm;
            v.Clear();
            for (int r = c; r < rows; r++)
            {
                v[r] = y[(r * cols) + c];
            }

            v[c] -= alpha;
            double vv = 0;
            for (int r = c; r < rows; r++)
            {
                vv += v[r] * v[r];
            }

            if (vv == 0)
            {
                continue;
            }

            // Y ← (I − 2vvᵀ/vᵀv)·Y and Q ← Q·(I − 2vvᵀ/vᵀv).
            for (int k = c; k < cols; k++)
            {
                double dot = 0;
                for (int r = c; r < rows; r++)
                {
                    dot += v[r] * y[(r * cols) + k];
                }

                double f = 2 * dot / vv;
                for (int r = c; r < rows; r++)
                {
                    y[(r * cols) + k] -= f * v[r];
                }
            }

            for (int r = 0; r < rows; r++)
            {
                double dot = 0;
                for (int k = c; k < rows; k++)
                {
                    dot += q[(r * rows) + k] * v[k];
                }

                double f = 2 * dot / vv;
                for (int k = c; k < rows; k++)
                {
                    q[(r * rows) + k] -= f * v[k];
                }
            }
        }
    }
}
