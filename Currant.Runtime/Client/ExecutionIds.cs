using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Currant;

/// <summary>Execution ids for <c>QueueMany</c>: UUIDv7 (RFC 9562), made in bulk, in increasing order.</summary>
internal static class ExecutionIds
{
    // The last 32 bits of rand_b are random per id; the 42 bits before them are the counter.
    private const int RandomBytesPerId = 4;
    private const int CounterBits = 42;

    /// <summary>
    /// The layout of <see cref="Guid.CreateVersion7(DateTimeOffset)"/> (48-bit Unix milliseconds, version 7,
    /// 74 further bits, variant 10), ids ordered as they are returned. RFC 9562 §6.2, method 1: rand_a and the top
    /// 30 bits of rand_b are a counter, seeded at random with its top bit clear (room for 2^41 ids) and counted up
    /// per id; the last 32 bits are random. PostgreSQL compares uuids byte by byte, so the primary key takes the
    /// rows of one call at its rightmost leaf, one after the other, instead of at random places in the call's
    /// range (measured: 10,000 rows inserted in 48-52 ms instead of 64-71, docs/benchmarks.md).
    /// </summary>
    public static Guid[] NewVersion7(int count, DateTimeOffset now)
    {
        var ids = new Guid[count];
        var random = ArrayPool<byte>.Shared.Rent(sizeof(ulong) + (count * RandomBytesPerId));
        try
        {
            RandomNumberGenerator.Fill(random.AsSpan(0, sizeof(ulong) + (count * RandomBytesPerId)));
            var counter = BinaryPrimitives.ReadUInt64BigEndian(random) & ((1UL << (CounterBits - 1)) - 1);
            Span<byte> bytes = stackalloc byte[16];
            BinaryPrimitives.WriteInt64BigEndian(bytes, now.ToUnixTimeMilliseconds() << 16);
            for (var i = 0; i < ids.Length; i++, counter++)
            {
                bytes[6] = (byte)(0x70 | ((counter >> 38) & 0x0F));
                bytes[7] = (byte)(counter >> 30);
                bytes[8] = (byte)(0x80 | ((counter >> 24) & 0x3F));
                bytes[9] = (byte)(counter >> 16);
                bytes[10] = (byte)(counter >> 8);
                bytes[11] = (byte)counter;
                random.AsSpan(sizeof(ulong) + (i * RandomBytesPerId), RandomBytesPerId).CopyTo(bytes[12..]);
                ids[i] = new Guid(bytes, bigEndian: true);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(random);
        }

        return ids;
    }

    /// <summary>
    /// The smallest UUIDv7 of the millisecond <paramref name="at"/> falls in: every id made at or after it compares
    /// greater or equal (Postgres compares uuids byte by byte), so a time range of ids is a primary-key range.
    /// </summary>
    public static Guid Floor(DateTimeOffset at)
    {
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        BinaryPrimitives.WriteInt64BigEndian(bytes, Math.Max(0, at.ToUnixTimeMilliseconds()) << 16);
        return new Guid(bytes, bigEndian: true);
    }
}
