namespace RecServices.Core.Data;

/// <summary>Loads a dataset folder, detecting the format from the files it holds.</summary>
public static class DatasetLoader
{
    public static Dataset Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"dataset folder '{folder}' does not exist");
        }

        if (MovieLens100KReader.Recognizes(folder))
        {
            return MovieLens100KReader.Read(folder);
        }

        if (MovieLensDatReader.Recognizes(folder))
        {
            return MovieLensDatReader.Read(folder);
        }

        if (MovieLensCsvReader.Recognizes(folder))
        {
            return MovieLensCsvReader.Read(folder);
        }

        throw new DatasetFormatException(
            folder,
            0,
            "unrecognised dataset folder: expected the table format (interactions.parquet, interactions.csv or "
                + "an interactions/ folder of part files; docs/data.md), MovieLens 100K (u.data, u.item), 1M/10M "
                + "(ratings.dat, movies.dat) or latest/25M/32M (ratings.csv, movies.csv)"
        );
    }
}
