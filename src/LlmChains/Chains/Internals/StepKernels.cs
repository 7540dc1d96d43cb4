using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmChains.Chains.Internals;

/// <summary>
/// The pull-form kernels of x·Q_f on the implicit layout of <see cref="LanguageModelChain"/>. Each target
/// entry is written by exactly one call with a fixed summation order, so results do not depend on the
/// number of threads, and the AVX paths give bitwise the same results as the scalar ones (a multiply, then an add,
/// per term: no fused multiply–add). The kernels are compiled fully optimised on first use
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>): a step over a large chain calls each one a few hundred
/// times, and unoptimised first-tier code would otherwise run for the first steps.
/// </summary>
/// <remarks>
/// Layout facts (of our state order, see StateSpace): a state i shorter than K has its T successors at T(i+1) ..
/// T(i+1)+T−1, and
/// is their only predecessor, so next[T + m] = x[m / T]·P[m] for targets shorter than K. A full-length target
/// with code c = s·T + a (suffix s ∈ [0, T^{K−1}), last token a) is reached from the length-(K−1) prefix
/// offset(K−1) + s (when K ≥ 2) and from the T full-length states offset(K) + b·T^{K−1} + s, b ∈ [0, T), whose
/// rows are the T consecutive rows offset(K) + s·T + b of the table (<see cref="TableLayout"/>): the kernels read x
/// at T places and the table as one stream. Float32 tables are widened to double before the multiply; the vectors
/// are always double.
/// </remarks>
internal static unsafe class StepKernels
{
    /// <summary>
    /// The largest T whose full-length targets are summed in registers (eight AVX registers of four doubles, half the
    /// sixteen, leaving room for the weight and the loaded rows). Larger
    /// vocabularies add the sources into the suffix's targets in memory instead.
    /// </summary>
    private const int MaxRegisterVocabulary = 32;

    /// <summary>The smallest T summed in AVX-512 registers (below it a 256-bit register holds a whole row).</summary>
    private const int MinZmmVocabulary = 5;

    /// <summary>
    /// How far ahead (in suffixes, i.e. entries of each of the T source streams of x) the register kernels prefetch x:
    /// four cache lines. Measured at T = 5, 7, 32, 100 (alternating runs, 04:50 UTC): 16 and 64 did about as well, no
    /// prefetch 10–35% slower at T = 5 and 7, where the T streams of x are a large part of the traffic; at T = 3 and 4
    /// (the 256-bit kernel) it made no difference and is not used.
    /// </summary>
    private const int SourcePrefetchDistance = 32;

    /// <summary>
    /// The largest T summed in AVX-512 registers at once (16 registers of eight doubles, half the 32); larger T in
    /// tiles of this many targets.
    /// </summary>
    private const int MaxZmmVocabulary = 128;

    /// <summary>Targets [T + mLo, T + mHi) of length 2..K−1 (m indexes the table of the parents of length 1..K−2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ShortTargets<TP>(double* x, TP* table, double* next, int t, long mLo, long mHi)
        where TP : unmanaged, INumberBase<TP>
    {
        double* destination = next + t;
        long parent = mLo / t;
        long m = mLo;
        if (t == 2 && Avx2.IsSupported)
        {
            if ((m & 1) != 0 && m < mHi)
            {
                destination[m] = x[parent] * double.CreateTruncating(table[m]);
                m++;
                parent++;
            }

            // Four parents p..p+3 give the eight targets m = 2p .. 2p+7.
            for (; m <= mHi - 8; m += 8, parent += 4)
            {
                Vector256<double> w = Avx.LoadVector256(x + parent);
                Avx.Store(destination + m, Avx.Multiply(Avx2.Permute4x64(w, 0b01_01_00_00), Load4(table + m)));
                Avx.Store(destination + m + 4, Avx.Multiply(Avx2.Permute4x64(w, 0b11_11_10_10), Load4(table + m + 4)));
            }
        }

        while (m < mHi)
        {
            long end = Math.Min(mHi, (parent + 1) * t);
            Scale(x[parent], table + m, destination + m, (int)(end - m));
            m = end;
            parent++;
        }
    }

    /// <summary>
    /// Full-length targets with suffix s ∈ [sLo, sHi): next[s·T + a] (relative to <paramref name="next"/>).
    /// <paramref name="x"/> and <paramref name="table"/> point at the first full-length state and row;
    /// <paramref name="prefixX"/> and <paramref name="prefixTable"/> at the first length-(K−1) state, or are null
    /// when there is no transient contribution (K = 1, or the block P_ℛ alone).
    /// </summary>
    /// <remarks>
    /// Kernels by T: 2, four suffixes at a time; with AVX-512, T ≥ 5 in ⌈T/8⌉ 512-bit registers (T ≤ 128) or tiles of 128
    /// targets (T &gt; 128), whole-register loads and stores, for every suffix but the range's last one or two; the rest,
    /// and everything without AVX-512, in ⌈T/4⌉ 256-bit registers (T ≤ 32, masked only on the range's last suffix) or
    /// row by row into the targets (T &gt; 32). Without AVX2, scalar loops. All of them take, per target, the prefix's
    /// product and then the T sources' in the order b = 0..T−1, each a multiply then an add: the same bits on every path,
    /// for every partition of [sLo, sHi).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void FullLengthTargets<TP>(
        double* x, TP* table, double* prefixX, TP* prefixTable, double* next, int t, long stride, long sLo, long sHi)
        where TP : unmanaged, INumberBase<TP>
    {
        if (t == 2)
        {
            FullLengthTargetsBinary(x, table, prefixX, prefixTable, next, stride, sLo, sHi);
            return;
        }

        if (Avx2.IsSupported)
        {
            if (t >= MinZmmVocabulary && Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
            {
                // The 512-bit kernel stores whole registers; the suffixes whose last register would reach past the item
                // (or whose last row ends the table) are left to the 256-bit and in-memory kernels, which mask there.
                int reach = 8 * ((t + 7) / 8);
                long fastEnd = Math.Max(sLo, sHi - ((reach + t - 1) / t) + 1);
                if (t <= MaxZmmVocabulary)
                {
                    FullLengthTargetsInZmm(x, table, prefixX, prefixTable, next, t, stride, sLo, fastEnd);
                }
                else
                {
                    WideTargetsInZmm(x, table, prefixX, prefixTable, next, t, stride, sLo, fastEnd);
                }

                sLo = fastEnd;
            }

            if (t <= MaxRegisterVocabulary)
            {
                FullLengthTargetsInRegisters(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
            }
            else
            {
                WideTargets(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
            }

            return;
        }

        // The T targets of suffix s start with the transient contribution, then take the T sources in the order
        // b = 0..T−1, whose rows follow each other in the table.
        for (long s = sLo; s < sHi; s++)
        {
            double* target = next + (s * t);
            if (prefixX is not null)
            {
                Scale(prefixX[s], prefixTable + (s * t), target, t);
            }
            else
            {
                new Span<double>(target, t).Clear();
            }

            TP* row = table + (s * t * t);
            for (int b = 0; b < t; b++, row += t)
            {
                AddScaled(x[(b * stride) + s], row, target, t);
            }
        }
    }

    /// <summary>
    /// 3 ≤ T ≤ <see cref="MaxRegisterVocabulary"/>: the T targets of suffix s are summed in ⌈T/4⌉ AVX registers over
    /// the prefix and the T sources b = 0..T−1 (the T consecutive rows of the suffix in the table), then stored once:
    /// no read–modify–write of the targets. The register count is a type argument, so each width is its own loop
    /// without per-row branches. Same products and the same order of additions as the scalar loops, so the same bits.
    /// </summary>
    /// <remarks>
    /// When T is not a multiple of 4 the last register of a row also loads the first entries of the next row (or of the
    /// next table region): those lanes are never stored, except as junk beyond the suffix's T targets, which the next
    /// suffix's store overwrites. Only the last suffix of the range stores through a mask (its neighbour belongs to
    /// another work item or lies beyond the vector), and only the table's last suffix loads through a mask (its last
    /// row ends the table). Masked stores are slow on AMD processors, and masked loads cost more than plain ones, so
    /// both stay off the inner loop.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FullLengthTargetsInRegisters<TP>(
        double* x, TP* table, double* prefixX, TP* prefixTable, double* next, int t, long stride, long sLo, long sHi)
        where TP : unmanaged, INumberBase<TP>
    {
        switch ((t + 3) / 4)
        {
            case 1:
                SuffixesInRegisters<TP, Registers1>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 2:
                SuffixesInRegisters<TP, Registers2>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 3:
                SuffixesInRegisters<TP, Registers3>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 4:
                SuffixesInRegisters<TP, Registers4>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 5:
                SuffixesInRegisters<TP, Registers5>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 6:
                SuffixesInRegisters<TP, Registers6>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 7:
                SuffixesInRegisters<TP, Registers7>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            default:
                SuffixesInRegisters<TP, Registers8>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SuffixesInRegisters<TP, TW>(
        double* x, TP* table, double* prefixX, TP* prefixTable, double* next, int t, long stride, long sLo, long sHi)
        where TP : unmanaged, INumberBase<TP>
        where TW : struct, IRegisterCount
    {
        int lastLanes = t - (4 * (TW.Vectors - 1));
        Vector256<long> mask64 = Vector256.Create(-1L, lastLanes > 1 ? -1L : 0L, lastLanes > 2 ? -1L : 0L, lastLanes > 3 ? -1L : 0L);
        Vector128<int> mask32 = Vector128.Create(-1, lastLanes > 1 ? -1 : 0, lastLanes > 2 ? -1 : 0, lastLanes > 3 ? -1 : 0);
        if (lastLanes == 4)
        {
            for (long s = sLo; s < sHi; s++)
            {
                SuffixInRegisters<TP, TW>(
                    x, table, prefixX, prefixTable, next, t, stride, s, maskedLoads: false, maskedStore: false, mask32, mask64);
            }

            return;
        }

        if (sLo >= sHi)
        {
            return;
        }

        for (long s = sLo; s < sHi - 1; s++)
        {
            SuffixInRegisters<TP, TW>(
                x, table, prefixX, prefixTable, next, t, stride, s, maskedLoads: false, maskedStore: false, mask32, mask64);
        }

        if (sHi == stride)
        {
            SuffixInRegisters<TP, TW>(
                x, table, prefixX, prefixTable, next, t, stride, sHi - 1, maskedLoads: true, maskedStore: true, mask32, mask64);
        }
        else
        {
            SuffixInRegisters<TP, TW>(
                x, table, prefixX, prefixTable, next, t, stride, sHi - 1, maskedLoads: false, maskedStore: true, mask32, mask64);
        }
    }

    /// <summary>
    /// The T targets of suffix <paramref name="s"/> in <typeparamref name="TW"/> registers (see
    /// <see cref="FullLengthTargetsInRegisters"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SuffixInRegisters<TP, TW>(
        double* x, TP* table, double* prefixX, TP* prefixTable, double* next, int t, long stride, long s, bool maskedLoads,
        bool maskedStore, Vector128<int> mask32, Vector256<long> mask64)
        where TP : unmanaged, INumberBase<TP>
        where TW : struct, IRegisterCount
    {
        int v = TW.Vectors;
        Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        if (prefixX is not null)
        {
            // A prefix row never ends the table (the full-length rows follow it): plain loads.
            var w = Vector256.Create(prefixX[s]);
            TP* p = prefixTable + (s * t);
            a0 = Avx.Multiply(w, Load4(p));
            a1 = v > 1 ? Avx.Multiply(w, Load4(p + 4)) : a1;
            a2 = v > 2 ? Avx.Multiply(w, Load4(p + 8)) : a2;
            a3 = v > 3 ? Avx.Multiply(w, Load4(p + 12)) : a3;
            a4 = v > 4 ? Avx.Multiply(w, Load4(p + 16)) : a4;
            a5 = v > 5 ? Avx.Multiply(w, Load4(p + 20)) : a5;
            a6 = v > 6 ? Avx.Multiply(w, Load4(p + 24)) : a6;
            a7 = v > 7 ? Avx.Multiply(w, Load4(p + 28)) : a7;
        }

        TP* row = table + (s * t * t);
        double* source = x + s;
        for (int b = 0; b < t; b++, row += t, source += stride)
        {
            var w = Vector256.Create(*source);
            a0 = Term(a0, w, row, maskedLoads && v == 1, mask32, mask64);
            a1 = v > 1 ? Term(a1, w, row + 4, maskedLoads && v == 2, mask32, mask64) : a1;
            a2 = v > 2 ? Term(a2, w, row + 8, maskedLoads && v == 3, mask32, mask64) : a2;
            a3 = v > 3 ? Term(a3, w, row + 12, maskedLoads && v == 4, mask32, mask64) : a3;
            a4 = v > 4 ? Term(a4, w, row + 16, maskedLoads && v == 5, mask32, mask64) : a4;
            a5 = v > 5 ? Term(a5, w, row + 20, maskedLoads && v == 6, mask32, mask64) : a5;
            a6 = v > 6 ? Term(a6, w, row + 24, maskedLoads && v == 7, mask32, mask64) : a6;
            a7 = v > 7 ? Term(a7, w, row + 28, maskedLoads && v == 8, mask32, mask64) : a7;
        }

        double* target = next + (s * t);
        Put(target, a0, v == 1 && maskedStore, mask64);
        if (v > 1)
        {
            Put(target + 4, a1, v == 2 && maskedStore, mask64);
        }

        if (v > 2)
        {
            Put(target + 8, a2, v == 3 && maskedStore, mask64);
        }

        if (v > 3)
        {
            Put(target + 12, a3, v == 4 && maskedStore, mask64);
        }

        if (v > 4)
        {
            Put(target + 16, a4, v == 5 && maskedStore, mask64);
        }

        if (v > 5)
        {
            Put(target + 20, a5, v == 6 && maskedStore, mask64);
        }

        if (v > 6)
        {
            Put(target + 24, a6, v == 7 && maskedStore, mask64);
        }

        if (v > 7)
        {
            Put(target + 28, a7, maskedStore, mask64);
        }
    }

    /// <summary>sum + w·source[0..3] (a multiply, then an add), the source read through the masks when <paramref name="masked"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Term<TP>(
        Vector256<double> sum, Vector256<double> w, TP* source, bool masked, Vector128<int> mask32, Vector256<long> mask64)
        where TP : unmanaged => Avx.Add(sum, Avx.Multiply(w, masked ? LoadMasked(source, mask32, mask64) : Load4(source)));

    /// <summary>Stores four targets, or only the lanes set in <paramref name="mask64"/> when <paramref name="masked"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(double* destination, Vector256<double> value, bool masked, Vector256<long> mask64)
    {
        if (masked)
        {
            Avx.MaskStore(destination, mask64.AsDouble(), value);
        }
        else
        {
            Avx.Store(destination, value);
        }
    }

    /// <summary>
    /// <see cref="MinZmmVocabulary"/> ≤ T ≤ <see cref="MaxZmmVocabulary"/> with AVX-512: the T targets of each suffix in
    /// [sLo, sHi) summed in ⌈T/8⌉ 512-bit registers over the prefix and the T consecutive source rows, as
    /// <see cref="SuffixInRegisters"/> does with 256-bit ones (the same products and additions, so the same bits). Every
    /// load and store is a whole register: the caller passes only suffixes whose last register stays inside the item's
    /// targets and the table.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FullLengthTargetsInZmm<TP>(
        double* x, TP* table, double* prefixX, TP* prefixTable, double* next, int t, long stride, long sLo, long sHi)
        where TP : unmanaged, INumberBase<TP>
    {
        switch ((t + 7) / 8)
        {
            case 1:
                SuffixesInZmm<TP, Registers1>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 2:
                SuffixesInZmm<TP, Registers2>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 3:
                SuffixesInZmm<TP, Registers3>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 4:
                SuffixesInZmm<TP, Registers4>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 5:
                SuffixesInZmm<TP, Registers5>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 6:
                SuffixesInZmm<TP, Registers6>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 7:
                SuffixesInZmm<TP, Registers7>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 8:
                SuffixesInZmm<TP, Registers8>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 9:
                SuffixesInZmm<TP, Registers9>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 10:
                SuffixesInZmm<TP, Registers10>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 11:
                SuffixesInZmm<TP, Registers11>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 12:
                SuffixesInZmm<TP, Registers12>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 13:
                SuffixesInZmm<TP, Registers13>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 14:
                SuffixesInZmm<TP, Registers14>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            case 15:
                SuffixesInZmm<TP, Registers15>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
            default:
                SuffixesInZmm<TP, Registers16>(x, table, prefixX, prefixTable, next, t, stride, sLo, sHi);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SuffixesInZmm<TP, TW>(
        double* x, TP* table, double* prefixX, TP* prefixTable, double* next, int t, long stride, long sLo, long sHi)
        where TP : unmanaged, INumberBase<TP>
        where TW : struct, IRegisterCount
    {
        // When the T streams of x lie a multiple of 4 KiB apart (stride a multiple of 512 doubles: T a power of two, or
        // T = 12 at K = 6) they share cache sets, and prefetching more of them evicts lines still in use; elsewhere the
        // prefetch pays (docs/benchmarks.md, "The step kernels", for the measurements).
        bool prefetch = (stride & 511) != 0;
        for (long s = sLo; s < sHi; s++)
        {
            if (prefetch && (s & 7) == 0)
            {
                PrefetchSources(x + s, stride, t);
            }

            TileInZmm<TP, TW>(x, table, prefixX, prefixTable, next, t, stride, s, 0);
        }
    }

    /// <summary>
    /// T &gt; <see cref="MaxZmmVocabulary"/> with AVX-512: the targets of each suffix in tiles of 128 (16 registers), each
    /// tile summed over all T source rows (a contiguous slice of every row), the last tile in as many registers as it
    /// needs. Per target the same products and order of additions as the scalar loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WideTargetsInZmm<TP>(
        double* x, TP* table, double* prefixX, TP* prefixTable, double* next, int t, long stride, long sLo, long sHi)
        where TP : unmanaged, INumberBase<TP>
    {
        for (long s = sLo; s < sHi; s++)
        {
            int column = 0;
            for (; column + MaxZmmVocabulary <= t; column += MaxZmmVocabulary)
            {
                TileInZmm<TP, Registers16>(x, table, prefixX, prefixTable, next, t, stride, s, column);
            }

            switch ((t - column + 7) / 8)
            {
                case 0:
                    break;
                case 1:
                    TileInZmm<TP, Registers1>(x, table, prefixX, prefixTable, next, t, stride, s, column);
                    break;
                case 2:
                    TileInZmm<TP, Registers2>(x, table, prefixX, prefixTable, next, t, stride, s, column);
                    break;
                case 3:
                    TileInZmm<TP, Registers3>(x, table, prefixX, prefixTable, next, t, stride, s, column);
                    break;
                case 4:
                    TileInZmm<TP, Registers4>(x, table, prefixX, prefixTable, next, t, stride, s, column);
                    break;
                case 5:
                    TileInZmm<TP, Registers5>(x, table, prefixX, prefixTable, next, t, stride, s, column);
                    break;
                case 6:
                    TileInZmm<TP, Registers6>(x, table, prefixX, prefixTable, next, t, stride, s, column);
                    break;
                case 7:
                    TileInZmm<TP, Registers7>(x, table, prefixX, prefixTable, next, t, stride, s, column);
                    break;
                case 8:
                    TileInZmm<TP, Registers8>(x, table, prefixX, prefixTable, next, t, stride, s, column);
                    break;
                case 9:
                    TileInZmm<TP, Registers9>(x, table, prefixX, prefixTable, next, t, stride, s, column);
                    break;
                case 10:
                    TileInZmm<TP, Registers10>(x, table, prefixX, prefixTable, next, t, stride, s, column);
                    break;
                case 11:
                    TileInZmm<TP, Registers11>(x, table, prefixX, prefixTable, next, t, stride, s, column);
                    break;
                case 12:
                    TileInZmm<TP, Registers12>(x, table, prefixX, prefixTable, next, t, stride, s, column);
                    break;
                case 13:
                    TileInZmm<TP, Registers13>(x, table, prefixX, prefixTable, next, t, stride, s, column);
                    break;
                case 14:
                    TileInZmm<TP, Registers14>(x, table, prefixX, prefixTable, next, t, stride, s, column);
                    break;
                default:
                    TileInZmm<TP, Registers15>(x, table, prefixX, prefixTable, next, t, stride, s, column);
                    break;
            }
        }
    }

    /// <summary>Targets [column, column + 8·<typeparamref name="TW"/>) of suffix <paramref name="s"/> in 512-bit registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TileInZmm<TP, TW>(
        double* x, TP* table, double* prefixX, TP* prefixTable, double* next, int t, long stride, long s, int column)
        where TP : unmanaged, INumberBase<TP>
        where TW : struct, IRegisterCount
    {
        int v = TW.Vectors;
        Vector512<double> z0 = Vector512<double>.Zero, z1 = z0, z2 = z0, z3 = z0, z4 = z0, z5 = z0, z6 = z0, z7 = z0;
        Vector512<double> z8 = z0, z9 = z0, z10 = z0, z11 = z0, z12 = z0, z13 = z0, z14 = z0, z15 = z0;
        if (prefixX is not null)
        {
            var w = Vector512.Create(prefixX[s]);
            TP* p = prefixTable + (s * t) + column;
            z0 = Avx512F.Multiply(w, Load8(p));
            z1 = v > 1 ? Avx512F.Multiply(w, Load8(p + 8)) : z1;
            z2 = v > 2 ? Avx512F.Multiply(w, Load8(p + 16)) : z2;
            z3 = v > 3 ? Avx512F.Multiply(w, Load8(p + 24)) : z3;
            z4 = v > 4 ? Avx512F.Multiply(w, Load8(p + 32)) : z4;
            z5 = v > 5 ? Avx512F.Multiply(w, Load8(p + 40)) : z5;
            z6 = v > 6 ? Avx512F.Multiply(w, Load8(p + 48)) : z6;
            z7 = v > 7 ? Avx512F.Multiply(w, Load8(p + 56)) : z7;
            z8 = v > 8 ? Avx512F.Multiply(w, Load8(p + 64)) : z8;
            z9 = v > 9 ? Avx512F.Multiply(w, Load8(p + 72)) : z9;
            z10 = v > 10 ? Avx512F.Multiply(w, Load8(p + 80)) : z10;
            z11 = v > 11 ? Avx512F.Multiply(w, Load8(p + 88)) : z11;
            z12 = v > 12 ? Avx512F.Multiply(w, Load8(p + 96)) : z12;
            z13 = v > 13 ? Avx512F.Multiply(w, Load8(p + 104)) : z13;
            z14 = v > 14 ? Avx512F.Multiply(w, Load8(p + 112)) : z14;
            z15 = v > 15 ? Avx512F.Multiply(w, Load8(p + 120)) : z15;
        }

        TP* row = table + (s * t * t) + column;
        double* source = x + s;
        for (int b = 0; b < t; b++, row += t, source += stride)
        {
            var w = Vector512.Create(*source);
            z0 = Avx512F.Add(z0, Avx512F.Multiply(w, Load8(row)));
            z1 = v > 1 ? Avx512F.Add(z1, Avx512F.Multiply(w, Load8(row + 8))) : z1;
            z2 = v > 2 ? Avx512F.Add(z2, Avx512F.Multiply(w, Load8(row + 16))) : z2;
            z3 = v > 3 ? Avx512F.Add(z3, Avx512F.Multiply(w, Load8(row + 24))) : z3;
            z4 = v > 4 ? Avx512F.Add(z4, Avx512F.Multiply(w, Load8(row + 32))) : z4;
            z5 = v > 5 ? Avx512F.Add(z5, Avx512F.Multiply(w, Load8(row + 40))) : z5;
            z6 = v > 6 ? Avx512F.Add(z6, Avx512F.Multiply(w, Load8(row + 48))) : z6;
            z7 = v > 7 ? Avx512F.Add(z7, Avx512F.Multiply(w, Load8(row + 56))) : z7;
            z8 = v > 8 ? Avx512F.Add(z8, Avx512F.Multiply(w, Load8(row + 64))) : z8;
            z9 = v > 9 ? Avx512F.Add(z9, Avx512F.Multiply(w, Load8(row + 72))) : z9;
            z10 = v > 10 ? Avx512F.Add(z10, Avx512F.Multiply(w, Load8(row + 80))) : z10;
            z11 = v > 11 ? Avx512F.Add(z11, Avx512F.Multiply(w, Load8(row + 88))) : z11;
            z12 = v > 12 ? Avx512F.Add(z12, Avx512F.Multiply(w, Load8(row + 96))) : z12;
            z13 = v > 13 ? Avx512F.Add(z13, Avx512F.Multiply(w, Load8(row + 104))) : z13;
            z14 = v > 14 ? Avx512F.Add(z14, Avx512F.Multiply(w, Load8(row + 112))) : z14;
            z15 = v > 15 ? Avx512F.Add(z15, Avx512F.Multiply(w, Load8(row + 120))) : z15;
        }

        double* target = next + (s * t) + column;
        Avx512F.Store(target, z0);
        if (v > 1)
        {
            Avx512F.Store(target + 8, z1);
        }

        if (v > 2)
        {
            Avx512F.Store(target + 16, z2);
        }

        if (v > 3)
        {
            Avx512F.Store(target + 24, z3);
        }

        if (v > 4)
        {
            Avx512F.Store(target + 32, z4);
        }

        if (v > 5)
        {
            Avx512F.Store(target + 40, z5);
        }

        if (v > 6)
        {
            Avx512F.Store(target + 48, z6);
        }

        if (v > 7)
        {
            Avx512F.Store(target + 56, z7);
        }

        if (v > 8)
        {
            Avx512F.Store(target + 64, z8);
        }

        if (v > 9)
        {
            Avx512F.Store(target + 72, z9);
        }

        if (v > 10)
        {
            Avx512F.Store(target + 80, z10);
        }

        if (v > 11)
        {
            Avx512F.Store(target + 88, z11);
        }

        if (v > 12)
        {
            Avx512F.Store(target + 96, z12);
        }

        if (v > 13)
        {
            Avx512F.Store(target + 104, z13);
        }

        if (v > 14)
        {
            Avx512F.Store(target + 112, z14);
        }

        if (v > 15)
        {
            Avx512F.Store(target + 120, z15);
        }
    }

    /// <summary>
    /// Prefetches x[b·stride + s + <see cref="SourcePrefetchDistance"/>] for b = 0..T−1: the T source streams of the
    /// suffixes ahead (called every eighth suffix, one cache line of each stream). A prefetch never faults, so the
    /// addresses may run past the vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchSources(double* xAtSuffix, long stride, int t)
    {
        double* at = xAtSuffix + SourcePrefetchDistance;
        for (int b = 0; b < t; b++, at += stride)
        {
            Sse.Prefetch0(at);
        }
    }

    /// <summary>Eight table entries widened to double (reads exactly eight entries).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Load8<TP>(TP* source)
        where TP : unmanaged
    {
        return typeof(TP) == typeof(float)
            ? Avx512F.ConvertToVector512Double(Avx.LoadVector256((float*)source))
            : Avx512F.LoadVector512((double*)source);
    }

    /// <summary>
    /// T &gt; <see cref="MaxRegisterVocabulary"/>: the T targets of suffix s start as the prefix's contribution (or 0),
    /// then each source row b = 0..T−1 is added into them in memory (the targets stay in L1; the table is read as one
    /// sequential stream, which beat reading two or four rows side by side and register tiles of 16 targets over
    /// strided row slices; see docs/benchmarks.md).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WideTargets<TP>(
        double* x, TP* table, double* prefixX, TP* prefixTable, double* next, int t, long stride, long sLo, long sHi)
        where TP : unmanaged, INumberBase<TP>
    {
        for (long s = sLo; s < sHi; s++)
        {
            double* target = next + (s * t);
            if (prefixX is not null)
            {
                Scale(prefixX[s], prefixTable + (s * t), target, t);
            }
            else
            {
                new Span<double>(target, t).Clear();
            }

            TP* row = table + (s * t * t);
            double* source = x + s;
            for (int b = 0; b < t; b++, row += t, source += stride)
            {
                AddScaled(*source, row, target, t);
            }
        }
    }

    /// <summary>A register count known to the compiler, so that each kernel width is compiled as its own loop.</summary>
    private interface IRegisterCount
    {
        static abstract int Vectors { get; }
    }

    private readonly struct Registers1 : IRegisterCount
    {
        public static int Vectors => 1;
    }

    private readonly struct Registers2 : IRegisterCount
    {
        public static int Vectors => 2;
    }

    private readonly struct Registers3 : IRegisterCount
    {
        public static int Vectors => 3;
    }

    private readonly struct Registers4 : IRegisterCount
    {
        public static int Vectors => 4;
    }

    private readonly struct Registers5 : IRegisterCount
    {
        public static int Vectors => 5;
    }

    private readonly struct Registers6 : IRegisterCount
    {
        public static int Vectors => 6;
    }

    private readonly struct Registers7 : IRegisterCount
    {
        public static int Vectors => 7;
    }

    private readonly struct Registers8 : IRegisterCount
    {
        public static int Vectors => 8;
    }

    private readonly struct Registers9 : IRegisterCount
    {
        public static int Vectors => 9;
    }

    private readonly struct Registers10 : IRegisterCount
    {
        public static int Vectors => 10;
    }

    private readonly struct Registers11 : IRegisterCount
    {
        public static int Vectors => 11;
    }

    private readonly struct Registers12 : IRegisterCount
    {
        public static int Vectors => 12;
    }

    private readonly struct Registers13 : IRegisterCount
    {
        public static int Vectors => 13;
    }

    private readonly struct Registers14 : IRegisterCount
    {
        public static int Vectors => 14;
    }

    private readonly struct Registers15 : IRegisterCount
    {
        public static int Vectors => 15;
    }

    private readonly struct Registers16 : IRegisterCount
    {
        public static int Vectors => 16;
    }

    /// <summary>Four table entries widened to double, of which only the lanes set in the masks are read (the others are 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> LoadMasked<TP>(TP* source, Vector128<int> mask32, Vector256<long> mask64)
        where TP : unmanaged
    {
        return typeof(TP) == typeof(float)
            ? Avx.ConvertToVector256Double(Avx.MaskLoad((float*)source, mask32.AsSingle()))
            : Avx.MaskLoad((double*)source, mask64.AsDouble());
    }

    /// <summary>
    /// The transposed product y[i] = Σ_a P[i, a]·v[first(i) + a] for rows i ∈ [lo, hi), where the successors of
    /// state i start at first(i) = T(i + 1) for i below <paramref name="fullLengthOffset"/> and, for the full-length
    /// state offset + b·T^{K−1} + s, at offset + s·T, its row being offset + s·T + b (<see cref="TableLayout"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RowProducts<TP>(double* v, TP* table, double* y, int t, long fullLengthOffset, long stride, long lo, long hi)
        where TP : unmanaged, INumberBase<TP>
    {
        long i = lo;
        for (; i < Math.Min(hi, fullLengthOffset); i++)
        {
            y[i] = Dot(table + (i * t), v + (t * (i + 1)), t);
        }

        if (i >= hi)
        {
            return;
        }

        long local = i - fullLengthOffset;
        long b = local / stride;
        long s = local - (b * stride);
        for (; i < hi; i++)
        {
            long first = fullLengthOffset + (s * t);
            y[i] = Dot(table + ((first + b) * t), v + first, t);
            if (++s == stride)
            {
                s = 0;
                b++;
            }
        }
    }

    /// <summary>Σ_a row[a]·w[a], in the order a = 0..n−1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Dot<TP>(TP* row, double* w, int n)
        where TP : unmanaged, INumberBase<TP>
    {
        double sum = 0;
        for (int a = 0; a < n; a++)
        {
            sum += double.CreateTruncating(row[a]) * w[a];
        }

        return sum;
    }

    /// <summary>destination[a] = w·source[a] for a &lt; n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scale<TP>(double w, TP* source, double* destination, int n)
        where TP : unmanaged, INumberBase<TP>
    {
        int a = 0;
        if (Avx.IsSupported)
        {
            var weight = Vector256.Create(w);
            for (; a <= n - 4; a += 4)
            {
                Avx.Store(destination + a, Avx.Multiply(weight, Load4(source + a)));
            }

            if (a <= n - 2)
            {
                Sse2.Store(destination + a, Sse2.Multiply(weight.GetLower(), Load2(source + a)));
                a += 2;
            }
        }

        for (; a < n; a++)
        {
            destination[a] = w * double.CreateTruncating(source[a]);
        }
    }

    /// <summary>destination[a] += w·source[a] for a &lt; n (a multiply, then an add).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled<TP>(double w, TP* source, double* destination, int n)
        where TP : unmanaged, INumberBase<TP>
    {
        int a = 0;
        if (Avx.IsSupported)
        {
            var weight = Vector256.Create(w);
            for (; a <= n - 4; a += 4)
            {
                Avx.Store(destination + a, Avx.Add(Avx.LoadVector256(destination + a), Avx.Multiply(weight, Load4(source + a))));
            }

            if (a <= n - 2)
            {
                Sse2.Store(
                    destination + a,
                    Sse2.Add(Sse2.LoadVector128(destination + a), Sse2.Multiply(weight.GetLower(), Load2(source + a))));
                a += 2;
            }
        }

        for (; a < n; a++)
        {
            destination[a] += w * double.CreateTruncating(source[a]);
        }
    }

    /// <summary>Four table entries widened to double (reads exactly four entries).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Load4<TP>(TP* source)
        where TP : unmanaged
    {
        return typeof(TP) == typeof(float)
            ? Avx.ConvertToVector256Double(Sse.LoadVector128((float*)source))
            : Avx.LoadVector256((double*)source);
    }

    /// <summary>Two table entries widened to double (reads exactly two entries).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> Load2<TP>(TP* source)
        where TP : unmanaged
    {
        return typeof(TP) == typeof(float)
            ? Sse2.ConvertToVector128Double(Sse2.LoadScalarVector128((double*)source).AsSingle())
            : Sse2.LoadVector128((double*)source);
    }

    /// <summary>
    /// T = 2: the two targets of suffix s, from the prefix s and the sources s and stride + s, whose rows are the four
    /// table entries 4s .. 4s+3 (source s, then source stride + s).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FullLengthTargetsBinary<TP>(
        double* x, TP* table, double* prefixX, TP* prefixTable, double* next, long stride, long sLo, long sHi)
        where TP : unmanaged, INumberBase<TP>
    {
        long s = sLo;
        if (Avx2.IsSupported)
        {
            double* x1 = x + stride;
            for (; s <= sHi - 4; s += 4)
            {
                // Four suffixes s..s+3 give the eight targets next[2s .. 2s+7], in two vectors of (s, 0), (s, 1), (s+1, 0), (s+1, 1).
                Vector256<double> lo, hi;
                if (prefixX is not null)
                {
                    Vector256<double> w = Avx.LoadVector256(prefixX + s);
                    lo = Avx.Multiply(Avx2.Permute4x64(w, 0b01_01_00_00), Load4(prefixTable + (2 * s)));
                    hi = Avx.Multiply(Avx2.Permute4x64(w, 0b11_11_10_10), Load4(prefixTable + (2 * s) + 4));
                }
                else
                {
                    lo = Vector256<double>.Zero;
                    hi = Vector256<double>.Zero;
                }

                Vector256<double> w0 = Avx.LoadVector256(x + s);
                Vector256<double> w1 = Avx.LoadVector256(x1 + s);
                var (firstLo, secondLo) = LoadRowPairs(table + (4 * s));
                var (firstHi, secondHi) = LoadRowPairs(table + (4 * s) + 8);
                lo = Avx.Add(lo, Avx.Multiply(Avx2.Permute4x64(w0, 0b01_01_00_00), firstLo));
                hi = Avx.Add(hi, Avx.Multiply(Avx2.Permute4x64(w0, 0b11_11_10_10), firstHi));
                lo = Avx.Add(lo, Avx.Multiply(Avx2.Permute4x64(w1, 0b01_01_00_00), secondLo));
                hi = Avx.Add(hi, Avx.Multiply(Avx2.Permute4x64(w1, 0b11_11_10_10), secondHi));
                Avx.Store(next + (2 * s), lo);
                Avx.Store(next + (2 * s) + 4, hi);
            }
        }

        for (; s < sHi; s++)
        {
            double a0 = 0, a1 = 0;
            if (prefixX is not null)
            {
                double w = prefixX[s];
                a0 = w * double.CreateTruncating(prefixTable[2 * s]);
                a1 = w * double.CreateTruncating(prefixTable[(2 * s) + 1]);
            }

            double w0 = x[s];
            double w1 = x[stride + s];
            TP* rows = table + (4 * s);
            a0 += w0 * double.CreateTruncating(rows[0]);
            a1 += w0 * double.CreateTruncating(rows[1]);
            a0 += w1 * double.CreateTruncating(rows[2]);
            a1 += w1 * double.CreateTruncating(rows[3]);
            next[2 * s] = a0;
            next[(2 * s) + 1] = a1;
        }
    }

    /// <summary>
    /// The eight table entries e0..e7 of two suffixes at T = 2 (rows of sources s, stride + s, s + 1, stride + s + 1),
    /// widened to double and regrouped by source: First = (e0, e1, e4, e5), Second = (e2, e3, e6, e7).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> First, Vector256<double> Second) LoadRowPairs<TP>(TP* source)
        where TP : unmanaged
    {
        if (typeof(TP) == typeof(float))
        {
            // The pairs (e0, e1), (e2, e3), (e4, e5), (e6, e7) are 64-bit lanes: reorder them to (e0 e1)(e4 e5)(e2 e3)(e6 e7).
            Vector256<float> grouped = Avx2.Permute4x64(Avx.LoadVector256((float*)source).AsDouble(), 0b11_01_10_00).AsSingle();
            return (Avx.ConvertToVector256Double(grouped.GetLower()), Avx.ConvertToVector256Double(grouped.GetUpper()));
        }

        Vector256<double> low = Avx.LoadVector256((double*)source);
        Vector256<double> high = Avx.LoadVector256((double*)source + 4);
        return (Avx.Permute2x128(low, high, 0x20), Avx.Permute2x128(low, high, 0x31));
    }
}
