Console.WriteLine("EdgeModule: not wired yet.");
