namespace LlmChains.Analysis.LowTemperature.Internals;

/// <summary>
/// A 4-ary min-heap of state indices keyed by an external distance array, with decrease-key through a position array:
/// no duplicate entries, so memory is at most 8 bytes a state (position and heap slot) whatever the number of
/// relaxations. A position of −1 means "never queued", −2 "settled".
/// </summary>
internal sealed class IndexedHeap
{
    internal const int Unseen = -1;
    internal const int Settled = -2;

    private readonly double[] _keys;
    private readonly int[] _position;
    private int[] _heap = new int[1024];
    private int _count;

    internal IndexedHeap(double[] keys, int[] position)
    {
        _keys = keys;
        _position = position;
    }

    internal int Count => _count;

    internal void Clear() => _count = 0;

    /// <summary>Inserts <paramref name="node"/> or moves it up after its key decreased.</summary>
    internal void InsertOrDecrease(int node)
    {
        int i = _position[node];
        if (i < 0)
        {
            if (_count == _heap.Length)
            {
                Array.Resize(ref _heap, _heap.Length * 2);
            }

            i = _count++;
            _heap[i] = node;
            _position[node] = i;
        }

        SiftUp(i);
    }

    /// <summary>Removes the node of least key and marks it settled.</summary>
    internal int PopMin()
    {
        int top = _heap[0];
        _position[top] = Settled;
        int last = _heap[--_count];
        if (_count > 0)
        {
            _heap[0] = last;
            _position[last] = 0;
            SiftDown(0);
        }

        return top;
    }

    private void SiftUp(int i)
    {
        int node = _heap[i];
        double key = _keys[node];
        while (i > 0)
        {
            int parent = (i - 1) >> 2;
            int p = _heap[parent];
            if (_keys[p] <= key)
            {
                break;
            }

            _heap[i] = p;
            _position[p] = i;
            i = parent;
        }

        _heap[i] = node;
        _position[node] = i;
    }

    private void SiftDown(int i)
    {
        int node = _heap[i];
        double key = _keys[node];
        while (true)
        {
            int first = (i << 2) + 1;
            if (first >= _count)
            {
                break;
            }

            int best = first;
            double bestKey = _keys[_heap[first]];
            int end = Math.Min(first + 4, _count);
            for (int c = first + 1; c < end; c++)
            {
                double k = _keys[_heap[c]];
                if (k < bestKey)
                {
                    best = c;
                    bestKey = k;
                }
            }

            if (bestKey >= key)
            {
                break;
            }

            int b = _heap[best];
            _heap[i] = b;
            _position[b] = i;
            i = best;
        }

        _heap[i] = node;
        _position[node] = i;
    }
}
