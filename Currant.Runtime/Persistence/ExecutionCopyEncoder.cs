using System.Buffers.Binary;
using System.Text;

namespace Currant.Persistence;

/// <summary>
/// Encodes the rows of one <c>QueueMany</c> call in PostgreSQL's binary <c>COPY</c> format, in the column order of
/// <see cref="Queries.ExecutionQueries.Copy"/> (or <see cref="Queries.ExecutionQueries.CopyDueNow"/>, without
/// <c>scheduled_at</c>, for rows due now).
/// </summary>
/// <remarks>
/// <para>
/// Why not Npgsql's <c>NpgsqlBinaryImporter</c>: it binds a parameter and runs an async call per value, twelve per
/// row, and that was most of the client's time in a 10,000-row <c>QueueMany</c> (profile in docs/benchmarks.md).
/// The rows of one call differ only in their id and arguments, so every other column is encoded once here and
/// copied into each row; a row costs two small copies and one of its arguments.
/// </para>
/// <para>
/// The format is PostgreSQL's documented, versioned binary COPY format (the "File Formats" section of the COPY
/// page), unchanged since 7.4: a signature, then per row a 16-bit field count and per field a 32-bit length (-1 for
/// NULL) followed by the value in the type's binary send format, all integers big-endian, then a -1 trailer. Only
/// five types occur: uuid (16 bytes, RFC 4122 order), text (UTF-8: Npgsql sets <c>client_encoding</c> to UTF8),
/// int4, jsonb (version byte 1, then the JSON text) and timestamptz (microseconds since 2000-01-01 UTC).
/// </para>
/// </remarks>
internal sealed class ExecutionCopyEncoder
{
    /// <summary>"PGCOPY\n\377\r\n\0", then 32-bit flags (0: no OIDs) and a 32-bit header extension length (0).</summary>
    private static ReadOnlySpan<byte> Header => [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>A field count of -1 ends the data.</summary>
    private static ReadOnlySpan<byte> Trailer => [0xFF, 0xFF];

    private const byte JsonbVersion = 1;
    private const int UuidLength = 16;
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    // kind, name, queue, priority: between the id and the arguments.
    private readonly byte[] _beforeArguments;

    // max_attempts, timeout_ms, scheduled_at (unless due now), parent_id, parent_seq, trace_context, retry_policy,
    // heartbeat_timeout_ms: after the arguments.
    private readonly byte[] _afterArguments;

    private readonly short _fieldCount;

    /// <param name="common">What every row shares; its id and arguments are not used.</param>
    /// <param name="scheduledAt">
    /// When the rows are due (COPY cannot call now(), so the client's clock decides), or null for rows due now: the
    /// column is then left out and takes its default.
    /// </param>
    public ExecutionCopyEncoder(NewExecution common, DateTime? scheduledAt)
    {
        _fieldCount = scheduledAt is null ? (short)13 : (short)14;
        using var before = new MemoryStream();
        WriteText(before, common.Kind.ToDb());
        WriteText(before, common.Name);
        WriteText(before, common.Queue);
        WriteInt32(before, common.Priority);
        _beforeArguments = before.ToArray();

        using var after = new MemoryStream();
        WriteInt32(after, common.MaxAttempts);
        WriteNullableInt32(after, CurrantStore.ToMilliseconds(common.Timeout));
        if (scheduledAt is { } at)
        {
            WriteTimestamp(after, at);
        }

        if (common.ParentId is { } parent)
        {
            WriteRaw(after, UuidLength);
            Span<byte> bytes = stackalloc byte[UuidLength];
            parent.TryWriteBytes(bytes, bigEndian: true, out _);
            after.Write(bytes);
        }
        else
        {
            WriteRaw(after, -1);
        }

        WriteNullableInt32(after, common.ParentSeq);
        if (common.TraceContext is { } trace)
        {
            WriteText(after, trace);
        }
        else
        {
            WriteRaw(after, -1);
        }

        if (common.RetryPolicy is { } policy)
        {
            WriteJsonb(after, policy);
        }
        else
        {
            WriteRaw(after, -1);
        }

        WriteNullableInt32(after, CurrantStore.ToMilliseconds(common.HeartbeatTimeout));
        _afterArguments = after.ToArray();
        FixedRowBytes = sizeof(short) + sizeof(int) + UuidLength + _beforeArguments.Length + sizeof(int) + 1 + _afterArguments.Length;
    }

    /// <summary>Bytes a row takes besides its arguments.</summary>
    public int FixedRowBytes { get; }

    /// <summary>The bytes before the first row.</summary>
    public static int WriteHeader(Span<byte> destination)
    {
        Header.CopyTo(destination);
        return Header.Length;
    }

    /// <summary>The bytes after the last row.</summary>
    public static int WriteTrailer(Span<byte> destination)
    {
        Trailer.CopyTo(destination);
        return Trailer.Length;
    }

    public static int TrailerBytes => Trailer.Length;

    /// <summary>
    /// Encodes the rows of <paramref name="batch"/> from <paramref name="row"/> on into <paramref name="chunk"/> after
    /// its first <paramref name="used"/> bytes while they fit; advances <paramref name="row"/> past them and returns
    /// the bytes of the chunk now used. Synchronous and small, so the per-row loop is quick to compile on first use.
    /// </summary>
    public int WriteRows(Span<byte> chunk, int used, NewExecutionBatch batch, ref int row)
    {
        var ids = batch.Ids;
        var arguments = batch.Arguments;
        for (; row < ids.Count; row++)
        {
            var value = arguments[row];
            if (used + FixedRowBytes + value.Length > chunk.Length)
            {
                break;
            }

            used += WriteRow(chunk[used..], ids[row], value);
        }

        return used;
    }

    /// <summary>A whole row; <paramref name="destination"/> holds at least <see cref="FixedRowBytes"/> plus the arguments.</summary>
    public int WriteRow(Span<byte> destination, Guid id, ReadOnlySpan<byte> arguments)
    {
        var written = WriteRowStart(destination, id, arguments.Length);
        arguments.CopyTo(destination[written..]);
        written += arguments.Length;
        return written + WriteRowEnd(destination[written..]);
    }

    /// <summary>A row up to its arguments (for arguments too large to copy into the buffer).</summary>
    public int WriteRowStart(Span<byte> destination, Guid id, int argumentsLength)
    {
        BinaryPrimitives.WriteInt16BigEndian(destination, _fieldCount);
        BinaryPrimitives.WriteInt32BigEndian(destination[2..], UuidLength);
        id.TryWriteBytes(destination.Slice(6, UuidLength), bigEndian: true, out _);
        var at = 6 + UuidLength;
        _beforeArguments.CopyTo(destination[at..]);
        at += _beforeArguments.Length;
        BinaryPrimitives.WriteInt32BigEndian(destination[at..], argumentsLength + 1);
        destination[at + 4] = JsonbVersion;
        return at + 5;
    }

    /// <summary>The rest of a row after its arguments.</summary>
    public int WriteRowEnd(Span<byte> destination)
    {
        _afterArguments.CopyTo(destination);
        return _afterArguments.Length;
    }

    /// <summary>A big-endian int32: a field length (-1 for NULL) or an int4 value.</summary>
    private static void WriteRaw(MemoryStream stream, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        stream.Write(bytes);
    }

    private static void WriteText(MemoryStream stream, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteRaw(stream, bytes.Length);
        stream.Write(bytes);
    }

    /// <summary>jsonb: the version byte, then the JSON text.</summary>
    private static void WriteJsonb(MemoryStream stream, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        WriteRaw(stream, bytes.Length + 1);
        stream.WriteByte(JsonbVersion);
        stream.Write(bytes);
    }

    private static void WriteInt32(MemoryStream stream, int value)
    {
        WriteRaw(stream, sizeof(int));
        WriteRaw(stream, value);
    }

    private static void WriteNullableInt32(MemoryStream stream, int? value)
    {
        if (value is { } v)
        {
            WriteInt32(stream, v);
        }
        else
        {
            WriteRaw(stream, -1);
        }
    }

    private static void WriteTimestamp(MemoryStream stream, DateTime utc)
    {
        WriteRaw(stream, sizeof(long));
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, (utc.Ticks - PostgresEpochTicks) / TimeSpan.TicksPerMicrosecond);
        stream.Write(bytes);
    }
}
