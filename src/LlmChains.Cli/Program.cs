using System.Globalization;
using LlmChains.Cli;

// Every number the tool reads or writes is invariant by construction (docs/errors.md); the process culture is made
// invariant too, so that no library or plotting code can print "0,5" under a comma-decimal locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
return CliApplication.Run(args, Console.Out, Console.Error);
