namespace SignalPipeline.Analysis.Linking;

/// <summary>Rows of one source grouped by the verblijfsobject they link to: one array, sorted by object index and, within
/// an object, in snapshot row order, with each object's start offset (compressed sparse rows). A model reads an
/// object's rows as a slice of the array: no dictionary, no list per object, no string hashing.</summary>
public sealed class ByObject<T>
{
    readonly T[] items;
    readonly int[] start;

    ByObject(T[] items, int[] start) => (this.items, this.start) = (items, start);

    /// <summary>The rows linked to object <paramref name="index"/>, in snapshot row order (empty when none).</summary>
    public ArraySegment<T> At(int index) => new(items, start[index], start[index + 1] - start[index]);

    /// <summary>No rows at any of <paramref name="objects"/> objects (a source the run does not have).</summary>
    public static ByObject<T> Empty(int objects) => new([], new int[objects + 1]);

    /// <summary>The row placed at <paramref name="position"/> by <see cref="Group"/>.</summary>
    public T this[int position] => items[position];

    /// <summary>Groups the rows by <paramref name="target"/> (an object index, or negative for a row that links to no
    /// object): one counting pass in row order gives every row its place, so each object's rows keep the snapshot's
    /// order; then the rows are made (<paramref name="make"/>) straight into their places on every core.
    /// <paramref name="position"/> tells where each row went (-1: not grouped).</summary>
    public static ByObject<T> Group(int[] target, int objects, Func<int, T> make, out int[] position)
    {
        var start = new int[objects + 1];
        foreach (var t in target) if (t >= 0) start[t + 1]++;
        for (var v = 0; v < objects; v++) start[v + 1] += start[v];
        var next = start[..objects];
        var placed = position = new int[target.Length];
        for (var i = 0; i < target.Length; i++) placed[i] = target[i] >= 0 ? next[target[i]]++ : -1;
        var items = new T[start[objects]];
        Rows.InRanges(target.Length, (from, to) =>
        {
            for (var i = from; i < to; i++) if (placed[i] >= 0) items[placed[i]] = make(i);
        });
        return new ByObject<T>(items, start);
    }
}
