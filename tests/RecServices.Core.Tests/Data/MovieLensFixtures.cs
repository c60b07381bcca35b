using System.Text;

namespace RecServices.Core.Tests.Data;

/// <summary>Tiny hand-written files in each MovieLens format (made up, not copied from the real data).</summary>
public static class MovieLensFixtures
{
    public const string Genres100K =
        "unknown|0\nAction|1\nAdventure|2\nAnimation|3\nChildren's|4\nComedy|5\nCrime|6\nDocumentary|7\nDrama|8\nFantasy|9\nFilm-Noir|10\nHorror|11\nMusical|12\nMystery|13\nRomance|14\nSci-Fi|15\nThriller|16\nWar|17\nWestern|18\n\n";

    public static void Write100K(TempDirectory dir, string? data = null, string? info = null)
    {
        dir.Write("u.genre", Genres100K);
        dir.Write(
            "u.item",
            "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
                + "2|Misérables, Les (1995)|01-Jan-1995||http://x|0|0|0|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0\n"
                + "3|unknown||||1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n",
            Encoding.Latin1
        );
        dir.Write("u.user", "1|24|M|technician|85711\n2|53|F|other|94043\n3|23|M|writer|T8H1N\n");
        dir.Write("u.data", data ?? "1\t1\t5\t874965758\n1\t2\t3\t876893171\n2\t1\t4\t878542960\n3\t3\t1\t876893119\n");
        if (info is not null)
        {
            dir.Write("u.info", info);
        }
    }

    public static void Write1M(TempDirectory dir, string? ratings = null)
    {
        dir.Write(
            "movies.dat",
            "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Misérables, Les (1995)::Drama\n",
            Encoding.Latin1
        );
        dir.Write("users.dat", "1::F::1::10::48067\n2::M::56::16::70072\n");
        dir.Write("ratings.dat", ratings ?? "1::1::5::978300760\n1::2::3::978302109\n2::2::4::978301968\n");
    }

    public static void Write10M(TempDirectory dir)
    {
        dir.Write("movies.dat", "1::Toy Story (1995)::Adventure|Animation\n7::Amélie (2001)::Comedy|Romance\n");
        dir.Write("ratings.dat", "1::1::4.5::838985046\n1::7::5::838983525\n2::7::3.5::838983421\n");
    }

    public static void WriteCsv(TempDirectory dir, string? movies = null)
    {
        dir.Write(
            "movies.csv",
            movies
                ?? "movieId,title,genres\n"
                    + "1,Toy Story (1995),Adventure|Animation|Children\n"
                    + "11,\"American President, The (1995)\",Comedy|Drama|Romance\n"
                    + "12,\"Film with \"\"quotes\"\" (2001)\",(no genres listed)\n"
        );
        dir.Write(
            "ratings.csv",
            "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,11,0.5,964981247\n5,12,3.5,964982224\n"
        );
    }
}
