namespace RecServices.Users;

/// <summary>How full the store is: what it holds against what it may hold before writes fail.</summary>
/// <param name="UsedBytes">Redis: used_memory; SQLite: the database file and its write-ahead log.</param>
/// <param name="LimitBytes">Redis: maxmemory (past it, with noeviction, every write fails), or the machine's memory
/// when none is set; SQLite: the file's size plus the free space of its disk.</param>
public sealed record StoreFill(long UsedBytes, long LimitBytes);
