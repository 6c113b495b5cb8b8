// Driver ports: the implicit usings of an SDK project (ImplicitUsings=enable), which these files were written against.
global using System;
global using System.Collections.Generic;
global using System.IO;
global using System.Linq;
global using System.Net.Http;
global using System.Threading;
global using System.Threading.Tasks;
