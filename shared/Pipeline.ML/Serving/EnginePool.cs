using System.Collections.Concurrent;
using Microsoft.ML;
using Pipeline.ML.Data;

namespace Pipeline.ML.Serving;

/// <summary>
/// A pool of <see cref="PredictionEngine{TSrc,TDst}"/> (which is not thread-safe) over one loaded model version, in the
/// manner of ObjectPool/PredictionEnginePool: each call rents an engine with its own output object for its exclusive use,
/// reads what it needs from the output while it holds it (the output is reused by the next renter), and returns it.
/// Renting and returning allocate nothing; at most <c>maxRetained</c> engines are kept. A hot-swap replaces the whole
/// <see cref="ServedModel"/> and with it the pool, so an engine of one version never serves another.
/// </summary>
public sealed class EnginePool<TOutput>(Func<PredictionEngine<IssueModelInput, TOutput>> factory, int maxRetained) where TOutput : class, new()
{
    private readonly ConcurrentQueue<Lease> _engines = new();
    private int _retained;

    private sealed class Lease(PredictionEngine<IssueModelInput, TOutput> engine)
    {
        public readonly PredictionEngine<IssueModelInput, TOutput> Engine = engine;
        public TOutput Output = new();
    }

    /// <summary>Predicts into the rented engine's output and returns <paramref name="read"/> of it (called while rented).</summary>
    public TResult Predict<TState, TResult>(IssueModelInput input, TState state, Func<TOutput, TState, TResult> read)
    {
        Lease lease;
        if (_engines.TryDequeue(out var pooled))
        {
            Interlocked.Decrement(ref _retained);
            lease = pooled;
        }
        else
        {
            lease = new Lease(factory());
        }
        try
        {
            lease.Engine.Predict(input, ref lease.Output);
            return read(lease.Output, state);
        }
        finally
        {
            if (Interlocked.Increment(ref _retained) <= maxRetained) _engines.Enqueue(lease);
            else
            {
                Interlocked.Decrement(ref _retained);
                lease.Engine.Dispose();
            }
        }
    }
}
