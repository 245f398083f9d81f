using System.Collections.Concurrent;
using Microsoft.ML;
using Pipeline.ML.Data;

namespace Pipeline.ML.Serving;

/// <summary>
/// A pool of <see cref="PredictionEngine{TSrc,TDst}"/> (which is not thread-safe) over one loaded model version, in the
/// manner of ObjectPool/PredictionEnginePool: each call rents an engine with its own output object for its exclusive use,
/// reads what it needs from the output while it holds it (the output is reused by the next renter), and returns it.
/// Renting and returning allocate nothing; at most <c>maxRetained</c> engines are kept. The pool is a stack (last returned,
/// first rented): under a thread pool larger than the core count a queue handed out the least recently used engine, whose
/// buffers had left the CPU caches, and the engine calls cost ~1.5× those of a thread-local pool. A hot-swap replaces the
/// whole <see cref="ServedModel"/> and with it the pool, so an engine of one version never serves another.
/// </summary>
public sealed class EnginePool<TOutput>(Func<PredictionEngine<IssueModelInput, TOutput>> factory, int maxRetained) where TOutput : class, new()
{
    private readonly Lease?[] _engines = new Lease?[maxRetained];
    private readonly Lock _gate = new();
    private int _count;

    private sealed class Lease(PredictionEngine<IssueModelInput, TOutput> engine)
    {
        public readonly PredictionEngine<IssueModelInput, TOutput> Engine = engine;
        public TOutput Output = new();
    }

    /// <summary>Predicts into the rented engine's output and returns <paramref name="read"/> of it (called while rented).</summary>
    public TResult Predict<TState, TResult>(IssueModelInput input, TState state, Func<TOutput, TState, TResult> read)
    {
        var lease = Rent() ?? new Lease(factory());
        try
        {
            lease.Engine.Predict(input, ref lease.Output);
            return read(lease.Output, state);
        }
        finally
        {
            if (!Return(lease)) lease.Engine.Dispose();
        }
    }

    private Lease? Rent()
    {
        lock (_gate)
        {
            if (_count == 0) return null;
            var lease = _engines[--_count];
            _engines[_count] = null;
            return lease;
        }
    }

    private bool Return(Lease lease)
    {
        lock (_gate)
        {
            if (_count == _engines.Length) return false;
            _engines[_count++] = lease;
            return true;
        }
    }
}
