using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace LlmChains.Internals.Numerics;

/// <summary>
/// The orthonormal Krylov basis of a restarted Arnoldi method: a fixed number of vectors of length n, with the
/// Gram–Schmidt and restart kernels it needs. The constant vector 𝟙/√n takes part in every projection as an
/// implicit extra basis vector, so every vector stays in the sum-zero subspace 𝟙^⊥ (the deflation of the
/// eigenvalue 1 of a row-stochastic chain).
/// </summary>
/// <remarks>
/// Kernels work on fixed row chunks (in parallel when there is more than one) and reduce the per-chunk partial
/// sums in chunk order, so results are bitwise identical for every thread count.
/// </remarks>
internal sealed class ArnoldiBasis
{
    /// <summary>Rows per chunk: one chunk of the vector being orthogonalised stays in L1 while basis chunks stream by.</summary>
    internal const int ChunkLength = 2048;

    private readonly double[][] _vectors;
    private readonly int _length;
    private readonly int _chunks;

    public ArnoldiBasis(int length, int capacity)
    {
        _length = length;
        _chunks = (length + ChunkLength - 1) / ChunkLength;
        _vectors = new double[capacity][];
        for (int i = 0; i < capacity; i++)
        {
            _vectors[i] = new double[length];
        }
    }

    /// <summary>The vector length n.</summary>
    public int Length => _length;

    /// <summary>The number of vectors held.</summary>
    public int Capacity => _vectors.Length;

    /// <summary>Vector <paramref name="index"/>.</summary>
    public double[] this[int index] => _vectors[index];

    /// <summary>Exchanges the arrays of two slots.</summary>
    public void Swap(int first, int second) => (_vectors[first], _vectors[second]) = (_vectors[second], _vectors[first]);

    /// <summary>Puts <paramref name="vector"/> into slot <paramref name="index"/> and returns the array it replaces.</summary>
    public double[] Exchange(int index, double[] vector)
    {
        double[] old = _vectors[index];
        _vectors[index] = vector;
        return old;
    }

    /// <summary>
    /// Orthogonalises <paramref name="w"/> (not a basis slot below <paramref name="count"/>) against 𝟙/√n and the
    /// first <paramref name="count"/> basis vectors by classical Gram–Schmidt applied twice (CGS2), writes the
    /// combined coefficients Vᵀw into <paramref name="coefficients"/> and returns ‖w‖₂ before and after.
    /// </summary>
    public (double NormBefore, double NormAfter) Orthogonalize(int count, double[] w, Span<double> coefficients)
    {
        int width = count + 2; // count dots, the sum, and ‖w‖²
        double[] partial = ArrayPool<double>.Shared.Rent(_chunks * width);
        double[] first = ArrayPool<double>.Shared.Rent(count);
        try
        {
            // Pass 1: dots, sum and norm.
            Run(chunk => DotsChunk(chunk, count, w, partial.AsSpan(chunk * width, width), squaredNorm: true));
            Reduce(partial, width, coefficients[..count], out double sum, out double normSquared);
            double normBefore = Math.Sqrt(normSquared);
            coefficients[..count].CopyTo(first);
            double mean = sum / _length;

            // Pass 2 (fused): subtract the projection, then dots of the corrected vector.
            Run(chunk =>
            {
                UpdateChunk(chunk, count, first, mean, w);
                DotsChunk(chunk, count, w, partial.AsSpan(chunk * width, width), squaredNorm: false);
            });
            Span<double> second = count <= 256 ? stackalloc double[count] : new double[count];
            Reduce(partial, width, second, out double sum2, out _);
            double mean2 = sum2 / _length;

            // Pass 3: subtract the second projection and measure the norm.
            double[] secondArray = ArrayPool<double>.Shared.Rent(count);
            try
            {
                second.CopyTo(secondArray);
                Run(chunk =>
                {
                    UpdateChunk(chunk, count, secondArray, mean2, w);
                    Span<double> row = partial.AsSpan(chunk * width, width);
                    (int start, int length) = Bounds(chunk);
                    ReadOnlySpan<double> piece = w.AsSpan(start, length);
                    row[count + 1] = TensorPrimitives.Dot(piece, piece);
                });
            }
            finally
            {
                ArrayPool<double>.Shared.Return(secondArray);
            }

            double after = 0;
            for (int c = 0; c < _chunks; c++)
            {
                after += partial[(c * width) + count + 1];
            }

            for (int i = 0; i < count; i++)
            {
                coefficients[i] = first[i] + second[i];
            }

            return (normBefore, Math.Sqrt(after));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partial);
            ArrayPool<double>.Shared.Return(first);
        }
    }

    /// <summary>
    /// First sweep of a delayed-reorthogonalisation step (DCGS2): with V the first <paramref name="count"/> basis
    /// vectors, <paramref name="w"/> the provisional next basis vector and z = A·w, computes
    /// <paramref name="dots"/> = Vᵀz and returns (w·z, Σz, ‖z‖²).
    /// </summary>
    public (double WDotZ, double SumZ, double SquaredNormZ) DelayedProject(int count, double[] w, double[] z, Span<double> dots)
    {
        int width = count + 3;
        double[] partial = ArrayPool<double>.Shared.Rent(_chunks * width);
        try
        {
            Run(chunk =>
            {
                (int start, int length) = Bounds(chunk);
                Span<double> row = partial.AsSpan(chunk * width, width);
                ReadOnlySpan<double> zPiece = z.AsSpan(start, length);
                DotsOf(start, length, count, zPiece, row);
                row[count] = TensorPrimitives.Dot(w.AsSpan(start, length), zPiece);
                row[count + 1] = TensorPrimitives.Sum(zPiece);
                row[count + 2] = TensorPrimitives.Dot(zPiece, zPiece);
            });
            dots[..count].Clear();
            double wz = 0, sum = 0, squared = 0;
            for (int c = 0; c < _chunks; c++)
            {
                ReadOnlySpan<double> row = partial.AsSpan(c * width, width);
                for (int i = 0; i < count; i++)
                {
                    dots[i] += row[i];
                }

                wz += row[count];
                sum += row[count + 1];
                squared += row[count + 2];
            }

            return (wz, sum, squared);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partial);
        }
    }

    /// <summary>
    /// Second sweep of a DCGS2 step, one pass over the first <paramref name="count"/> basis vectors V: when
    /// <paramref name="correctW"/>, w ← (w − V·h − meanW)·invBeta (the delayed second Gram–Schmidt pass of the
    /// provisional vector w); then z ← z·invBeta − V·u − e·w − meanZ; and <paramref name="next"/> = [V, w]ᵀz
    /// (count + 1 dots). Returns (Σz, ‖z‖²) of the updated z.
    /// </summary>
    public (double Sum, double SquaredNorm) DelayedUpdate(
        int count,
        double[] w,
        bool correctW,
        double[] h,
        double meanW,
        double invBeta,
        double[] z,
        double[] u,
        double e,
        double meanZ,
        Span<double> next)
    {
        int width = count + 3;
        double[] partial = ArrayPool<double>.Shared.Rent(_chunks * width);
        try
        {
            Run(chunk =>
            {
                (int start, int length) = Bounds(chunk);
                Span<double> wPiece = w.AsSpan(start, length);
                Span<double> zPiece = z.AsSpan(start, length);
                if (correctW)
                {
                    TensorPrimitives.Subtract(wPiece, meanW, wPiece);
                    SubtractCombination(wPiece, start, length, count, h, 1);
                    TensorPrimitives.Multiply(wPiece, invBeta, wPiece);
                }

                TensorPrimitives.Multiply(zPiece, invBeta, zPiece);
                TensorPrimitives.Subtract(zPiece, meanZ, zPiece);
                SubtractCombination(zPiece, start, length, count, u, 1);
                TensorPrimitives.MultiplyAdd(wPiece, -e, zPiece, zPiece);
                Span<double> row = partial.AsSpan(chunk * width, width);
                DotsOf(start, length, count, zPiece, row);
                row[count] = TensorPrimitives.Dot(wPiece, zPiece);
                row[count + 1] = TensorPrimitives.Sum<double>(zPiece);
                row[count + 2] = TensorPrimitives.Dot<double>(zPiece, zPiece);
            });
            next[..(count + 1)].Clear();
            double sum = 0, squared = 0;
            for (int c = 0; c < _chunks; c++)
            {
                ReadOnlySpan<double> row = partial.AsSpan(c * width, width);
                for (int i = 0; i <= count; i++)
                {
                    next[i] += row[i];
                }

                sum += row[count + 1];
                squared += row[count + 2];
            }

            return (sum, squared);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partial);
        }
    }

    /// <summary>
    /// Replaces the first <paramref name="columns"/> basis vectors by V·Z[:, 0..columns−1], where V holds the first
    /// <paramref name="rows"/> vectors and Z is row-major with <paramref name="stride"/> columns.
    /// </summary>
    public void Rotate(int rows, int columns, double[] z, int stride)
    {
        Run(chunk =>
        {
            (int start, int length) = Bounds(chunk);
            double[] buffer = ArrayPool<double>.Shared.Rent(columns * length);
            try
            {
                double[] negated = ArrayPool<double>.Shared.Rent(rows);
                try
                {
                    for (int c = 0; c < columns; c++)
                    {
                        Span<double> target = buffer.AsSpan(c * length, length);
                        target.Clear();
                        for (int i = 0; i < rows; i++)
                        {
                            negated[i] = -z[(i * stride) + c];
                        }

                        SubtractCombination(target, start, length, rows, negated, 1);
                    }
                }
                finally
                {
                    ArrayPool<double>.Shared.Return(negated);
                }

                for (int c = 0; c < columns; c++)
                {
                    buffer.AsSpan(c * length, length).CopyTo(_vectors[c].AsSpan(start, length));
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(buffer);
            }
        });
    }

    /// <summary>destination = Σᵢ coefficients[i]·Vᵢ over the first coefficients.Length vectors (destination not a basis slot).</summary>
    public void Combine(ReadOnlySpan<double> coefficients, double[] destination)
    {
        double[] factors = coefficients.ToArray();
        Run(chunk =>
        {
            (int start, int length) = Bounds(chunk);
            Span<double> target = destination.AsSpan(start, length);
            target.Clear();
            for (int i = 0; i < factors.Length; i++)
            {
                if (factors[i] != 0)
                {
                    TensorPrimitives.MultiplyAdd(_vectors[i].AsSpan(start, length), factors[i], target, target);
                }
            }
        });
    }

    /// <summary>result[i·count + j] = Xᵢ·Yⱼ for two families of vectors (dots in chunk order).</summary>
    public void Gram(IReadOnlyList<double[]> x, IReadOnlyList<double[]> y, double[] result)
    {
        int p = x.Count, q = y.Count;
        int width = p * q;
        double[] partial = ArrayPool<double>.Shared.Rent(_chunks * width);
        try
        {
            Run(chunk =>
            {
                (int start, int length) = Bounds(chunk);
                Span<double> row = partial.AsSpan(chunk * width, width);
                for (int i = 0; i < p; i++)
                {
                    for (int j = 0; j < q; j++)
                    {
                        row[(i * q) + j] = TensorPrimitives.Dot(x[i].AsSpan(start, length), y[j].AsSpan(start, length));
                    }
                }
            });
            result.AsSpan(0, width).Clear();
            for (int c = 0; c < _chunks; c++)
            {
                for (int k = 0; k < width; k++)
                {
                    result[k] += partial[(c * width) + k];
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partial);
        }
    }

    /// <summary>Subtracts the mean of <paramref name="vector"/> from it (projection onto 𝟙^⊥) and returns ‖·‖₂ after.</summary>
    public double RemoveMean(double[] vector)
    {
        double[] partial = ArrayPool<double>.Shared.Rent(_chunks);
        try
        {
            Run(chunk =>
            {
                (int start, int length) = Bounds(chunk);
                partial[chunk] = TensorPrimitives.Sum<double>(vector.AsSpan(start, length));
            });
            double sum = 0;
            for (int c = 0; c < _chunks; c++)
            {
                sum += partial[c];
            }

            double mean = sum / _length;
            Run(chunk =>
            {
                (int start, int length) = Bounds(chunk);
                Span<double> piece = vector.AsSpan(start, length);
                TensorPrimitives.Subtract(piece, mean, piece);
                partial[chunk] = TensorPrimitives.Dot<double>(piece, piece);
            });
            double squared = 0;
            for (int c = 0; c < _chunks; c++)
            {
                squared += partial[c];
            }

            return Math.Sqrt(squared);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partial);
        }
    }

    /// <summary>‖v‖₂ by chunked partial sums.</summary>
    public double Norm(double[] vector)
    {
        double[] partial = ArrayPool<double>.Shared.Rent(_chunks);
        try
        {
            Run(chunk =>
            {
                (int start, int length) = Bounds(chunk);
                ReadOnlySpan<double> piece = vector.AsSpan(start, length);
                partial[chunk] = TensorPrimitives.Dot(piece, piece);
            });
            double squared = 0;
            for (int c = 0; c < _chunks; c++)
            {
                squared += partial[c];
            }

            return Math.Sqrt(squared);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partial);
        }
    }

    /// <summary>vector ← vector·factor.</summary>
    public void Scale(double[] vector, double factor) =>
        Run(chunk =>
        {
            (int start, int length) = Bounds(chunk);
            Span<double> piece = vector.AsSpan(start, length);
            TensorPrimitives.Multiply(piece, factor, piece);
        });

    /// <summary>target ← target − Σᵢ coefficients[i]·sourcesᵢ.</summary>
    public void SubtractCombination(double[] target, IReadOnlyList<double[]> sources, ReadOnlySpan<double> coefficients)
    {
        double[] factors = coefficients.ToArray();
        Run(chunk =>
        {
            (int start, int length) = Bounds(chunk);
            Span<double> piece = target.AsSpan(start, length);
            for (int i = 0; i < factors.Length; i++)
            {
                if (factors[i] != 0)
                {
                    TensorPrimitives.MultiplyAdd(sources[i].AsSpan(start, length), -factors[i], piece, piece);
                }
            }
        });
    }

    private (int Start, int Length) Bounds(int chunk)
    {
        int start = chunk * ChunkLength;
        return (start, Math.Min(ChunkLength, _length - start));
    }

    private void Run(Action<int> body) => ChunkLoop.Run(_chunks, parallel: true, body);

    private void DotsChunk(int chunk, int count, double[] w, Span<double> row, bool squaredNorm)
    {
        (int start, int length) = Bounds(chunk);
        ReadOnlySpan<double> piece = w.AsSpan(start, length);
        DotsOf(start, length, count, piece, row);
        row[count] = TensorPrimitives.Sum(piece);
        row[count + 1] = squaredNorm ? TensorPrimitives.Dot(piece, piece) : 0;
    }

    /// <summary>row[i] = Vᵢ[start..start+length)·piece for i &lt; count, four vectors per sweep.</summary>
    private void DotsOf(int start, int length, int count, ReadOnlySpan<double> piece, Span<double> row)
    {
        int i = 0;
        for (; i + 4 <= count; i += 4)
        {
            Dot4(
                _vectors[i].AsSpan(start, length),
                _vectors[i + 1].AsSpan(start, length),
                _vectors[i + 2].AsSpan(start, length),
                _vectors[i + 3].AsSpan(start, length),
                piece,
                row.Slice(i, 4));
        }

        for (; i < count; i++)
        {
            row[i] = TensorPrimitives.Dot(_vectors[i].AsSpan(start, length), piece);
        }
    }

    private void UpdateChunk(int chunk, int count, double[] coefficients, double mean, double[] w)
    {
        (int start, int length) = Bounds(chunk);
        Span<double> piece = w.AsSpan(start, length);
        TensorPrimitives.Subtract(piece, mean, piece);
        SubtractCombination(piece, start, length, count, coefficients, 1);
    }

    /// <summary>piece ← piece − Σ_{i&lt;count} coefficients[i·stride]·Vᵢ[start..start+length), four vectors per sweep.</summary>
    private void SubtractCombination(Span<double> piece, int start, int length, int count, double[] coefficients, int stride)
    {
        int i = 0;
        for (; i + 4 <= count; i += 4)
        {
            Axpy4(
                _vectors[i].AsSpan(start, length),
                _vectors[i + 1].AsSpan(start, length),
                _vectors[i + 2].AsSpan(start, length),
                _vectors[i + 3].AsSpan(start, length),
                -coefficients[i * stride],
                -coefficients[(i + 1) * stride],
                -coefficients[(i + 2) * stride],
                -coefficients[(i + 3) * stride],
                piece);
        }

        for (; i < count; i++)
        {
            double factor = coefficients[i * stride];
            if (factor != 0)
            {
                TensorPrimitives.MultiplyAdd(_vectors[i].AsSpan(start, length), -factor, piece, piece);
            }
        }
    }

    /// <summary>result[k] = xₖ·w for four vectors, one sweep over w (sums in a fixed order).</summary>
    private static void Dot4(
        ReadOnlySpan<double> x0,
        ReadOnlySpan<double> x1,
        ReadOnlySpan<double> x2,
        ReadOnlySpan<double> x3,
        ReadOnlySpan<double> w,
        Span<double> result)
    {
        int length = w.Length;
        var a0 = Vector<double>.Zero;
        var a1 = Vector<double>.Zero;
        var a2 = Vector<double>.Zero;
        var a3 = Vector<double>.Zero;
        int width = Vector<double>.Count;
        int j = 0;
        for (; j + width <= length; j += width)
        {
            var wv = new Vector<double>(w[j..]);
            a0 += new Vector<double>(x0[j..]) * wv;
            a1 += new Vector<double>(x1[j..]) * wv;
            a2 += new Vector<double>(x2[j..]) * wv;
            a3 += new Vector<double>(x3[j..]) * wv;
        }

        double s0 = Vector.Sum(a0), s1 = Vector.Sum(a1), s2 = Vector.Sum(a2), s3 = Vector.Sum(a3);
        for (; j < length; j++)
        {
            s0 += x0[j] * w[j];
            s1 += x1[j] * w[j];
            s2 += x2[j] * w[j];
            s3 += x3[j] * w[j];
        }

        result[0] = s0;
        result[1] = s1;
        result[2] = s2;
        result[3] = s3;
    }

    /// <summary>y ← y + c₀x₀ + c₁x₁ + c₂x₂ + c₃x₃, one sweep over y.</summary>
    private static void Axpy4(
        ReadOnlySpan<double> x0,
        ReadOnlySpan<double> x1,
        ReadOnlySpan<double> x2,
        ReadOnlySpan<double> x3,
        double c0,
        double c1,
        double c2,
        double c3,
        Span<double> y)
    {
        int length = y.Length;
        var v0 = new Vector<double>(c0);
        var v1 = new Vector<double>(c1);
        var v2 = new Vector<double>(c2);
        var v3 = new Vector<double>(c3);
        int width = Vector<double>.Count;
        int j = 0;
        for (; j + width <= length; j += width)
        {
            var acc = new Vector<double>(y[j..]);
            acc += (new Vector<double>(x0[j..]) * v0) + (new Vector<double>(x1[j..]) * v1);
            acc += (new Vector<double>(x2[j..]) * v2) + (new Vector<double>(x3[j..]) * v3);
            acc.CopyTo(y[j..]);
        }

        for (; j < length; j++)
        {
            y[j] += (x0[j] * c0) + (x1[j] * c1) + (x2[j] * c2) + (x3[j] * c3);
        }
    }

    private void Reduce(double[] partial, int width, Span<double> dots, out double sum, out double squaredNorm)
    {
        int count = width - 2;
        dots.Clear();
        sum = 0;
        squaredNorm = 0;
        for (int c = 0; c < _chunks; c++)
        {
            ReadOnlySpan<double> row = partial.AsSpan(c * width, width);
            for (int i = 0; i < count; i++)
            {
                dots[i] += row[i];
            }

            sum += row[count];
            squaredNorm += row[count + 1];
        }
    }
}
