using System.Buffers.Binary;
using System.Numerics;

namespace Engine.Core.LoadBalancing;

/// <summary>
/// A deterministic 64-bit hash for balancing keys and sticky ids: the same bytes give the same
/// value in every process, on every machine and after every restart, which
/// <see cref="HashCode"/> (randomly seeded per process) and <c>string.GetHashCode</c> do not.
/// </summary>
/// <remarks>
/// For inputs shorter than 32 bytes this is exactly xxHash64 (same constants, same rounds,
/// same avalanche), so it can be checked against published vectors. Longer inputs keep the
/// single-lane short path instead of xxHash64's four-lane stripe loop: balancing keys (client
/// addresses, header and cookie values, destination names) are short, and one lane keeps the
/// code small. It is not a cryptographic hash: a client who chooses its key can choose its
/// destination, which consistent hashing on a client-supplied header allows anyway.
/// </remarks>
internal static class StableHash
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;
    private const ulong Prime5 = 0x27D4EB2F165667C5UL;

    public static ulong Hash64(ReadOnlySpan<byte> data, ulong seed = 0)
    {
        ulong hash = seed + Prime5 + (ulong)data.Length;

        while (data.Length >= 8)
        {
            ulong lane = BinaryPrimitives.ReadUInt64LittleEndian(data) * Prime2;
            lane = BitOperations.RotateLeft(lane, 31) * Prime1;
            hash ^= lane;
            hash = (BitOperations.RotateLeft(hash, 27) * Prime1) + Prime4;
            data = data.Slice(8);
        }

        if (data.Length >= 4)
        {
            hash ^= BinaryPrimitives.ReadUInt32LittleEndian(data) * Prime1;
            hash = (BitOperations.RotateLeft(hash, 23) * Prime2) + Prime3;
            data = data.Slice(4);
        }

        foreach (byte b in data)
        {
            hash ^= b * Prime5;
            hash = BitOperations.RotateLeft(hash, 11) * Prime1;
        }

        hash ^= hash >> 33;
        hash *= Prime2;
        hash ^= hash >> 29;
        hash *= Prime3;
        hash ^= hash >> 32;
        return hash;
    }
}
