using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Currant;

/// <summary>Execution ids for <c>QueueMany</c>: UUIDv7 (RFC 9562), made in bulk.</summary>
internal static class ExecutionIds
{
    // rand_a (12 bits) and rand_b (62 bits) come from 10 random bytes per id.
    private const int RandomBytesPerId = 10;

    /// <summary>
    /// The layout of <see cref="Guid.CreateVersion7(DateTimeOffset)"/> (48-bit Unix milliseconds, version 7,
    /// 74 random bits, variant 10), with the randomness for all ids drawn in one call instead of one per id.
    /// </summary>
    public static Guid[] NewVersion7(int count, DateTimeOffset now)
    {
        var ids = new Guid[count];
        var random = ArrayPool<byte>.Shared.Rent(count * RandomBytesPerId);
        try
        {
            RandomNumberGenerator.Fill(random.AsSpan(0, count * RandomBytesPerId));
            Span<byte> bytes = stackalloc byte[16];
            BinaryPrimitives.WriteInt64BigEndian(bytes, now.ToUnixTimeMilliseconds() << 16);
            for (var i = 0; i < ids.Length; i++)
            {
                var r = random.AsSpan(i * RandomBytesPerId, RandomBytesPerId);
                bytes[6] = (byte)(0x70 | (r[0] & 0x0F));
                bytes[7] = r[1];
                bytes[8] = (byte)(0x80 | (r[2] & 0x3F));
                r[3..].CopyTo(bytes[9..]);
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
