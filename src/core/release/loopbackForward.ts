import { fileOf } from '../generated/dockerfile';

/**
 * The variable that turns the forwarder on, with the endpoint's port: "Run Release Locally"'s
 * compose file sets it; a release run on the host, without it, never forwards anything.
 */
export const LOOPBACK_FORWARD_PORT = 'LOOPBACK_FORWARD_PORT';

/** The forwarder's file in the release, from the overlays. */
export const LOOPBACK_FORWARD_FILE = 'bin/loopback_forward.script';

/**
 * The erl flags bin/server adds when LOOPBACK_FORWARD_PORT is set: after the boot, the VM
 * evaluates the forwarder. ERL_ZFLAGS is unset first, so that no program the VM starts from then
 * on inherits it (one started by an application while it boots still does); `catch` keeps a missing or broken file from stopping the boot, which a failed -eval does.
 * erlexec reads the variable with shell-like quoting: the expression is one single-quoted word.
 */
export const LOOPBACK_FORWARD_FLAGS = `-eval 'os:unsetenv("ERL_ZFLAGS"), catch file:script(filename:join(os:getenv("RELEASE_ROOT"), "${LOOPBACK_FORWARD_FILE}"))'`;

/**
 * rel/overlays/bin/loopback_forward.script: Erlang expressions (file:script) that forward the
 * endpoint's port from the container's own IPv4 addresses to loopback, when the endpoint listens
 * on loopback only. Every loop blocks on a socket or is bounded; it all dies with the VM.
 */
export function renderLoopbackForward(): string {
  return fileOf([
    '%% Evaluated inside the release\'s VM after its applications started, by the -eval that',
    `%% bin/server adds when ${LOOPBACK_FORWARD_PORT} is set ("Run Release Locally" sets it in its`,
    '%% compose file). When config/runtime.exs binds the endpoint to loopback only, the port Docker',
    '%% publishes, which reaches the container\'s own address, gets no answer: this forwards each',
    '%% connection to that address on to the endpoint on loopback, byte for byte (websockets too).',
    '%% When the endpoint listens on all interfaces, or nothing listens, it does nothing.',
    '%% Forwarded connections reach the endpoint from 127.0.0.1: the app sees every client of the',
    '%% published port as local (conn.remote_ip), so nothing in it may trust loopback as a permission.',
    `Port = case string:to_integer(os:getenv("${LOOPBACK_FORWARD_PORT}", "")) of`,
    '  {Number, []} when Number > 0, Number < 65536 -> Number;',
    '  _ -> none',
    'end.',
    '',
    '%% The addresses this VM\'s own TCP sockets listen on at Port.',
    'Listening = fun() ->',
    '  [Address || Socket <- erlang:ports(), erlang:port_info(Socket, name) =:= {name, "tcp_inet"},',
    '              {ok, {Address, Bound}} <- [inet:sockname(Socket)], Bound =:= Port,',
    '              {error, enotconn} <- [inet:peername(Socket)]]',
    'end.',
    '',
    'IsLoopback = fun({127, _, _, _}) -> true; ({0, 0, 0, 0, 0, 0, 0, 1}) -> true; (_) -> false end.',
    '',
    '%% The endpoint\'s loopback address once it listens (IPv4 first); none when it listens on another',
    '%% address too, or nothing listens within 10 s.',
    'Target = fun WaitForEndpoint(Tries) ->',
    '  case Listening() of',
    '    [] when Tries > 0 -> timer:sleep(500), WaitForEndpoint(Tries - 1);',
    '    [] -> none;',
    '    Addresses ->',
    '      case lists:all(IsLoopback, Addresses) of',
    '        true -> hd(lists:sort(Addresses));',
    '        false -> none',
    '      end',
    '  end',
    'end.',
    '',
    '%% Copies one direction until either side closes, then closes both (a close sends what is queued).',
    'Pipe = fun Copy(From, To) ->',
    '  case gen_tcp:recv(From, 0) of',
    '    {ok, Data} ->',
    '      case gen_tcp:send(To, Data) of',
    '        ok -> Copy(From, To);',
    '        {error, _} -> gen_tcp:close(From), gen_tcp:close(To)',
    '      end;',
    '    {error, _} -> gen_tcp:close(To), gen_tcp:close(From)',
    '  end',
    'end.',
    '',
    'Connect = fun(Client, Loopback) ->',
    '  case gen_tcp:connect(Loopback, Port, [binary, {active, false}, {nodelay, true}], 5000) of',
    '    {ok, Upstream} ->',
    '      spawn_link(fun() -> Pipe(Upstream, Client) end),',
    '      Pipe(Client, Upstream);',
    '    {error, _} -> gen_tcp:close(Client)',
    '  end',
    'end.',
    '',
    'Accept = fun AcceptLoop(Listener, Loopback) ->',
    '  case gen_tcp:accept(Listener) of',
    '    {ok, Client} ->',
    '      Connection = spawn(fun() -> receive go -> Connect(Client, Loopback) end end),',
    '      ok = gen_tcp:controlling_process(Client, Connection),',
    '      Connection ! go,',
    '      AcceptLoop(Listener, Loopback);',
    '    {error, closed} -> ok;',
    '    {error, _} -> timer:sleep(100), AcceptLoop(Listener, Loopback)',
    '  end',
    'end.',
    '',
    '%% Listens on one address and tells Caller whether it could: eaddrinuse when the endpoint listens',
    '%% on all interfaces after all.',
    'Forward = fun(Address, Loopback, Caller) ->',
    '  case gen_tcp:listen(Port, [binary, {ip, Address}, {active, false}, {reuseaddr, true}, {nodelay, true}]) of',
    '    {ok, Listener} -> Caller ! {self(), ok}, Accept(Listener, Loopback);',
    '    {error, Reason} -> Caller ! {self(), Reason}',
    '  end',
    'end.',
    '',
    'Start = fun() ->',
    '  case Target(20) of',
    '    none -> ok;',
    '    Loopback ->',
    '      {ok, Interfaces} = inet:getifaddrs(),',
    '      Addresses = lists:usort([Address || {_, Options} <- Interfaces, {addr, Address} <- Options,',
    '                                          tuple_size(Address) =:= 4, not IsLoopback(Address)]),',
    '      Self = self(),',
    '      Forwarders = [spawn(fun() -> Forward(Address, Loopback, Self) end) || Address <- Addresses],',
    '      Forwarded = [Address || {Address, Forwarder} <- lists:zip(Addresses, Forwarders),',
    '                              receive {Forwarder, Result} -> Result =:= ok after 5000 -> false end],',
    '      Forwarded =/= [] andalso io:format(',
    `        "The endpoint listens on ~s:~B only, as config/runtime.exs says, which the port the container publishes cannot reach: forwarding ~s to it (${LOOPBACK_FORWARD_PORT} is set).~n",`,
    '        [inet:ntoa(Loopback), Port, lists:join(", ", [[inet:ntoa(Address), $:, integer_to_list(Port)] || Address <- Forwarded])])',
    '  end',
    'end.',
    '',
    'Port =/= none andalso spawn(Start).',
  ]);
}
