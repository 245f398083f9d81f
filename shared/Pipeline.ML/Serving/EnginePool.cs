using System.Collections.Concurrent;
using Microsoft.ML;
using Pipeline.ML.Data;

namespace Pipeline.ML.Serving;

/// <summary>
/// A pool of <see cref="PredictionEngine{TSrc,TDst}"/> (which is not thread-safe) over one loaded model version, in the
/// manner of ObjectPool/PredictionEnginePool: each call rents an engine with its own output object for its exclusive use,
/// reads what it needs from the output while it holds it (the output is reused by the next renter), and returns it.
/// Renting and returning allocate nothing; at most <c>maxRetained</c> engines are kept. The pool is thread-affine (a
/// <see cref="ConcurrentBag{T}"/>: a thread gets back the engine it returned last, and steals another thread's only when
/// it has none): a shared stack handed each thread whichever engine another thread had just used, whose buffers sat in
/// the other core's cache, and the same engine calls cost ~1.3× those of the bare endpoint's per-thread bag
/// (docs/benchmarks.md, "Predict at saturation"). A hot-swap replaces the whole <see cref="ServedModel"/> and with it the
/// pool, so an engine of one version never serves another.
/// </summary>
internal sealed class EnginePool<TOutput>(Func<PredictionEngine<IssueModelInput, TOutput>> factory, int maxRetained) where TOutput : class, new()
{
    private readonly ConcurrentBag<Lease> _engines = [];
    private int _retained;

    private sealed class Lease(PredictionEngine<IssueModelInput, TOutput> engine)
    {
        public readonly PredictionEngine<IssueModelInput, TOutput> Engine = engine;
        public TOutput Output = new();
    }

    /// <summary>Predicts into the rented engine's output and returns <paramref name="read"/> of it (called while rented).</summary>
    public TResult Predict<TState, TResult>(IssueModelInput input, TState state, Func<TOutput, TState, TResult> read)
    {
        var lease = Rent();
        try
        {
            lease.Engine.Predict(input, ref lease.Output);
            return read(lease.Output, state);
        }
        finally
        {
            Return(lease);
        }
    }

    private Lease Rent()
    {
        if (_engines.TryTake(out var lease))
        {
            Interlocked.Decrement(ref _retained);
            return lease;
        }
        return new Lease(factory());
    }

    private void Return(Lease lease)
    {
        if (Interlocked.Increment(ref _retained) <= maxRetained)
        {
            _engines.Add(lease);
            return;
        }
        Interlocked.Decrement(ref _retained);
        lease.Engine.Dispose();
    }
}
