using System.Globalization;
using LlmChains.Models;
using LlmChains.Remote.Internals;

namespace LlmChains.Remote;

public sealed partial class RemoteLanguageModel
{
    /// <summary>The ids and texts of the subset on the server's tokenizer, each checked by decoding it back.</summary>
    private static async Task<(int[] Ids, string[] Pieces)> ResolveTokensAsync(
        ServerProtocol protocol, TokenSubset tokens, CancellationToken cancellationToken)
    {
        var ids = new int[tokens.Count];
        var pieces = new string[tokens.Count];
        for (int x = 0; x < tokens.Count; x++)
        {
            if (tokens.Ids is { } given)
            {
                ids[x] = given[x];
                pieces[x] = await protocol.DetokenizeAsync([given[x]], cancellationToken).ConfigureAwait(false);
                continue;
            }

            string piece = tokens.Pieces![x];
            int[] found = await protocol.TokenizeAsync(piece, false, cancellationToken).ConfigureAwait(false);
            if (found.Length > 1)
            {
                // A SentencePiece tokenizer may put a word-start token ("▁") before the piece: drop blank tokens.
                var kept = new List<int>();
                foreach (int id in found)
                {
                    if (
                        !string.IsNullOrWhiteSpace(
                            Normalize(await protocol.DetokenizeAsync([id], cancellationToken).ConfigureAwait(false))))
                    {
                        kept.Add(id);
                    }
                }

                found = [.. kept];
            }

            if (found.Length != 1)
            {
                throw new RemoteServerException(
                    string.Create(CultureInfo.InvariantCulture, $"The server's tokenizer reads '{piece}' as {found.Length} tokens ") +
                    string.Create(CultureInfo.InvariantCulture, $"[{string.Join(",", found)}], not one; give the state tokens as ids ") +
                    string.Create(CultureInfo.InvariantCulture, $"(id:N) or choose single-token texts."));
            }

            string decoded = await protocol.DetokenizeAsync(found, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(Normalize(decoded), Normalize(piece), StringComparison.Ordinal))
            {
                throw new RemoteServerException(
                    string.Create(CultureInfo.InvariantCulture, $"The server's tokenizer reads '{piece}' as token {found[0]} but ") +
                    string.Create(CultureInfo.InvariantCulture, $"decodes that token as '{decoded}'; the tokenizer is not consistent, ") +
                    string.Create(CultureInfo.InvariantCulture, $"give the ids (id:N)."));
            }

            ids[x] = found[0];
            pieces[x] = piece;
        }

        if (ids.Distinct().Count() != ids.Length)
        {
            throw new RemoteServerException(
                $"The server's tokenizer maps two state tokens to one id: [{string.Join(",", pieces)}] → [{string.Join(",", ids)}].");
        }

        return (ids, pieces);
    }

    private static async Task<int?> ResolveBosAsync(ServerProtocol protocol, bool? prependBos, CancellationToken cancellationToken)
    {
        if (prependBos == false)
        {
            return null;
        }

        int[] special = await protocol.TokenizeAsync(string.Empty, true, cancellationToken).ConfigureAwait(false);
        if (special.Length == 1)
        {
            return special[0];
        }

        return prependBos == true
            ? throw new RemoteServerException(
                string.Create(CultureInfo.InvariantCulture, $"PrependBos is set, but the server's tokenizer adds {special.Length} ") +
                string.Create(CultureInfo.InvariantCulture, $"special tokens to an empty text, not one beginning-of-sequence token."))
            : null;
    }

    /// <summary>A token text without SentencePiece's word-start mark and surrounding blanks, for comparisons.</summary>
    private static string Normalize(string text) => text.Replace('▁', ' ').Trim();
}
