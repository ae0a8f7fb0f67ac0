using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace SignalPipeline.Analysis.Models.Ano;

public sealed record AnoScores(double[] Scores, double[][] Contributions, string ModelSha256);

/// <summary>Standardises the features, trains ML.NET RandomizedPca with a fixed seed, and scores every row by its
/// reconstruction error in standardised units (the squared distance to the principal subspace). Per-feature
/// contributions are the squared residual components. ML.NET's own Score divides that distance by the row's norm,
/// which is unstable for rows near the mean; the unnormalised error is the score here (docs/decisions.md).</summary>
public static class PcaAnomalyScorer
{
    public static AnoScores Score(float[][] raw, int rank, int oversampling, int seed)
    {
        var n = raw.Length;
        var d = raw[0].Length;
        var mean = new double[d];
        var std = new double[d];
        var varies = new bool[d];
        // Row by row: each feature's sum still runs over the rows in order (the same numbers as a loop per feature),
        // but every row is fetched once per pass. The rows are in pseudonym order, scattered in memory: a loop per
        // feature fetched each row fourteen times and took ~0.8 s of a city night.
        foreach (var row in raw) for (var j = 0; j < d; j++) mean[j] += row[j];
        for (var j = 0; j < d; j++) mean[j] /= n;
        foreach (var row in raw)
            for (var j = 0; j < d; j++)
            {
                var x = row[j] - mean[j];
                std[j] += x * x;
                varies[j] |= Math.Abs(x) > 1e-9;
            }
        for (var j = 0; j < d; j++)
        {
            std[j] = Math.Sqrt(std[j] / n);
            if (std[j] < 1e-9) std[j] = 1; // a constant feature carries no information; it stays 0 after centring
        }
        var z = new float[n][];
        Parallel.For(0, n, i =>
        {
            var row = z[i] = new float[d];
            for (var j = 0; j < d; j++) row[j] = (float)((raw[i][j] - mean[j]) / std[j]);
        });
        // The subspace cannot have more dimensions than there are varying features (or rows): otherwise the
        // randomised solver returns NaN eigenvectors.
        var varying = varies.Count(v => v);
        rank = Math.Min(rank, Math.Min(varying - 1, n - 2));
        if (rank < 1) return new AnoScores(new double[n], raw.Select(_ => new double[d]).ToArray(), "");

        var ml = new MLContext(seed: seed);
        var model = ml.AnomalyDetection.Trainers.RandomizedPca(new RandomizedPcaTrainer.Options
        {
            FeatureColumnName = FeatureRows.Column, Rank = Math.Min(rank, d), Oversampling = oversampling, EnsureZeroMean = true, Seed = seed,
        }).Fit(new FeatureRows(z, d));

        VBuffer<float>[] eigen = null!;
        model.Model.GetEigenVectors(ref eigen, out var k);
        VBuffer<float> center = default;
        model.Model.GetMean(ref center);
        var basis = eigen.Take(k).Select(v => v.DenseValues().Select(x => (double)x).ToArray()).ToArray();
        var mu = center.Length == d ? center.DenseValues().Select(x => (double)x).ToArray() : new double[d];
        // The trained model is its mean and principal vectors (with the standardisation): hashed as numbers, not as
        // ML.NET's saved zip, whose entries carry the time they were written (two saves of one model differ).
        var sha = ModelHash(mean, std, mu, basis);

        var scores = new double[n];
        var contributions = new double[n][];
        // Rows are scored independently, side by side; each row's arithmetic is the same as one thread's.
        Parallel.For(0, n, () => new double[d], (i, _, centred) =>
        {
            for (var j = 0; j < d; j++) centred[j] = z[i][j] - mu[j];
            var residual = contributions[i] = new double[d];
            centred.CopyTo(residual, 0);
            foreach (var v in basis)
            {
                var dot = 0.0;
                for (var j = 0; j < d; j++) dot += centred[j] * v[j];
                for (var j = 0; j < d; j++) residual[j] -= dot * v[j];
            }
            for (var j = 0; j < d; j++) residual[j] *= residual[j];
            scores[i] = residual.Sum();
            return centred;
        }, _ => { });
        return new AnoScores(scores, contributions, sha);
    }

    static string ModelHash(double[] mean, double[] std, double[] mu, double[][] basis)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var vector in new[] { mean, std, mu }.Concat(basis))
        {
            hash.AppendData(BitConverter.GetBytes(vector.Length));
            foreach (var x in vector) hash.AppendData(BitConverter.GetBytes(x));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The standardised rows as ML.NET's data view, read in place: the same vectors in the same order as
    /// <c>LoadFromEnumerable</c> gave the trainer, without the objects, reflection and generated code it needs for each
    /// night's first fit (~0.3-0.5 s of a cold city nightly).</summary>
    sealed class FeatureRows(float[][] rows, int width) : IDataView
    {
        public const string Column = "Features";
        readonly float[][] rows = rows;
        readonly int width = width;
        public DataViewSchema Schema { get; } = SchemaOf(width);
        public bool CanShuffle => false;
        public long? GetRowCount() => rows.Length;
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

        static DataViewSchema SchemaOf(int width)
        {
            var builder = new DataViewSchema.Builder();
            builder.AddColumn(Column, new VectorDataViewType(NumberDataViewType.Single, width));
            return builder.ToSchema();
        }

        sealed class Cursor(FeatureRows view) : DataViewRowCursor
        {
            long position = -1;
            public override DataViewSchema Schema => view.Schema;
            public override long Position => position;
            public override long Batch => 0;
            public override bool IsColumnActive(DataViewSchema.Column column) => column.Index == 0;
            public override bool MoveNext() => ++position < view.rows.Length;

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                if (column.Index != 0 || typeof(TValue) != typeof(VBuffer<float>)) throw new InvalidOperationException($"no getter of {typeof(TValue).Name} for column {column.Name}");
                ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
                {
                    var editor = VBufferEditor.Create(ref value, view.width);
                    view.rows[position].CopyTo(editor.Values);
                    value = editor.Commit();
                };
                return (ValueGetter<TValue>)(Delegate)getter;
            }

            public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)position, 0);
        }
    }
}
