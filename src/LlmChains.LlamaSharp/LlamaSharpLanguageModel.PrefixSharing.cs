using System.Diagnostics;
using LLama.Native;
using LlmChains.LlamaSharp.Internals;
using LlmChains.Models;

namespace LlmChains.LlamaSharp;

public sealed partial class LlamaSharpLanguageModel
{
    /// <summary>
    /// Evaluates every context of V_K^* once, walking the trie depth-first with llama.cpp's key–value cache: entering a
    /// context appends its last token to the cached prefix (one token evaluation), leaving it removes that position. The
    /// T full-length children of a length-(K − 1) context are evaluated together in one call, as T sequences that share
    /// the cached prefix (<see cref="LlamaSharpModelOptions.BatchLeafSiblings"/>). Token evaluations: |V_K^*| (+ 1 for the
    /// BOS token) instead of Σ_L (L + 1)·T^L for the context-by-context path.
    /// </summary>
    /// <param name="handler">Receives each context and its T restricted logits, sequentially.</param>
    /// <param name="cancellationToken">Checked before every evaluation.</param>
    public void EvaluateAllContexts(ContextLogitsHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var clock = Stopwatch.StartNew();
            long tokens = TokenEvaluations;
            long calls = DecodeCalls;
            SafeLLamaContextHandle handle = _context.NativeHandle;
            handle.MemoryClear(false);
            int origin = 0;
            if (_bos is { } bos)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _batch.Clear();
                _batch.Add((LLamaToken)bos, 0, LLamaSeqId.Zero, false);
                Decode(_context, _batch);
                origin = 1;
            }

            var walk = new TrieWalk(this, handler, origin, cancellationToken);
            walk.Visit(0);
            handle.MemoryClear(false);
            Log.PrefixSharingDone(_logger, walk.Visited, TokenEvaluations - tokens, DecodeCalls - calls, clock.Elapsed.TotalSeconds);
        }
    }

    /// <summary>The depth-first walk; the prefix of the current context occupies positions origin.. of sequence 0.</summary>
    private sealed class TrieWalk(
        LlamaSharpLanguageModel model,
        ContextLogitsHandler handler,
        int origin,
        CancellationToken cancellationToken)
    {
        private readonly int[] _context = new int[model.ContextWindow];
        private readonly double[] _logits = new double[model.VocabularySize];

        public long Visited { get; private set; }

        /// <summary>Evaluates and visits every context that extends the current prefix of length <paramref name="depth"/>.</summary>
        public void Visit(int depth)
        {
            int t = model.VocabularySize;
            int k = model.ContextWindow;
            SafeLLamaContextHandle handle = model._context.NativeHandle;
            LLamaBatch batch = model._batch;
            int position = origin + depth;
            if (depth == k - 1 && model._batchLeaves)
            {
                cancellationToken.ThrowIfCancellationRequested();
                batch.Clear();
                for (int x = 0; x < t; x++)
                {
                    if (position > 0)
                    {
                        handle.MemorySequenceCopy(LLamaSeqId.Zero, (LLamaSeqId)(x + 1), 0, position);
                    }

                    batch.Add((LLamaToken)model._ids[x], position, (LLamaSeqId)(x + 1), true);
                }

                model.Decode(model._context, batch);
                for (int x = 0; x < t; x++)
                {
                    _context[depth] = x;
                    model.CopyRestricted(handle.GetLogitsIth(x), _logits);
                    Report(depth + 1);
                }

                for (int x = 0; x < t; x++)
                {
                    handle.MemorySequenceRemove((LLamaSeqId)(x + 1), -1, -1);
                }

                return;
            }

            for (int x = 0; x < t; x++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _context[depth] = x;
                batch.Clear();
                batch.Add((LLamaToken)model._ids[x], position, LLamaSeqId.Zero, true);
                model.Decode(model._context, batch);
                model.CopyRestricted(handle.GetLogitsIth(0), _logits);
                Report(depth + 1);
                if (depth + 1 < k)
                {
                    Visit(depth + 1);
                }

                handle.MemorySequenceRemove(LLamaSeqId.Zero, position, -1);
            }
        }

        private void Report(int length)
        {
            Visited++;
            handler(_context.AsSpan(0, length), _logits);
        }
    }
}
