/*
 * The observer's helper: an Erlang module that runs in a hidden VM of its own inside the node's
 * container, connects to the app's node and answers one request line with one JSON line. Nothing
 * is loaded on the app's node: the helper calls OTP functions there over erpc, and the work over
 * every process (a pass over 100k of them, then a sort, keeping the top N) runs on the node
 * through erl_eval, whose loops are OTP's compiled lists functions given external funs such as
 * `fun erlang:process_info/2`, so only the top rows travel; but for the reductions sort, whose
 * rows are the differences from the last refresh, one {Value, Pid} pair per process travels. Each
 * evaluation is the body of a fun, so that erl_eval sends back its value alone, not every variable
 * bound on the way (100k pids).
 * Every list it sends back is bounded.
 *
 * Requests: `<id> TAB <op> [TAB <arg>...]`, ops: overview, applications, children <pid>,
 * processes <memory|reductions|message_queue_len> <limit> <filter>, process <pid>, kill <pid>,
 * gc <pid>, ets. Replies: `{"id":..., "ok": ...}` or `{"id":..., "error": fault, "detail": ...}`;
 * the first line is `{"ready":true}`. Faults: not-up (epmd does not list the node), refused
 * (it does: another cookie), node-down, timeout, no-process, not-a-supervisor (children of a process
 * that was not started as a supervisor: asking one would crash it), bad-request, failed.
 *
 * Sent as one line, so it holds no `%` comment (it would end the line) and no macros (it is
 * compiled from parsed forms, without the preprocessor). It ends when its standard input does.
 */
const HELPER_SOURCE = String.raw`-module(phoenix_observer_helper).
-export([main/1]).


main(NodeText) ->
    ok = io:setopts(standard_io, [binary, {encoding, unicode}]),
    Target = target(unicode:characters_to_list(NodeText)),
    reply(#{ready => true}),
    loop(#{target => Target, reductions => none}).

target(Text) ->
    case lists:member($@, Text) of
        true -> list_to_atom(Text);
        false -> [_, Host] = string:split(atom_to_list(node()), "@"), list_to_atom(Text ++ "@" ++ Host)
    end.

loop(State) ->
    case io:get_line(standard_io, "") of
        eof -> erlang:halt(0);
        {error, _} -> erlang:halt(0);
        Line ->
            Fields = string:split(string:chomp(Line), "\t", all),
            {Reply, Next} = handle(Fields, State),
            reply(Reply),
            loop(Next)
    end.

handle([Id | Request], State) ->
    Target = maps:get(target, State),
    try
        ok = connect(Target),
        {Result, Next} = request(Request, Target, State),
        {#{id => Id, ok => Result}, Next}
    catch
        throw:{fault, Fault} -> {#{id => Id, error => Fault}, State};
        error:{erpc, noconnection} -> {#{id => Id, error => <<"node-down">>}, State};
        error:{erpc, timeout} -> {#{id => Id, error => <<"timeout">>}, State};
        Class:Reason -> {#{id => Id, error => <<"failed">>, detail => text({Class, Reason})}, State}
    end;
handle([], State) -> {#{error => <<"bad-request">>}, State}.

connect(Target) ->
    case lists:member(Target, nodes(connected)) orelse net_kernel:connect_node(Target) of
        true -> ok;
        _ -> throw({fault, why_not_connected(Target)})
    end.

why_not_connected(Target) ->
    [Name, Host] = string:split(atom_to_list(Target), "@"),
    case erl_epmd:names(Host) of
        {ok, Names} ->
            case lists:keymember(Name, 1, Names) of
                true -> <<"refused">>;
                false -> <<"not-up">>
            end;
        _ -> <<"not-up">>
    end.

call(Target, M, F, A) -> erpc:call(Target, M, F, A, 15000).

eval(Target, Code, Bindings) ->
    {ok, Tokens, _} = erl_scan:string("(fun() -> " ++ Code ++ " end)()."),
    {ok, Exprs} = erl_parse:parse_exprs(Tokens),
    Bound = [{match, 1, {var, 1, Name}, erl_parse:abstract(Value)} || {Name, Value} <- Bindings],
    {value, Value, _} = call(Target, erl_eval, exprs, [Bound ++ Exprs, []]),
    Value.

request([<<"overview">>], Target, State) -> {overview(Target), State};
request([<<"applications">>], Target, State) -> {applications(Target), State};
request([<<"children">>, Pid], Target, State) -> {children(Target, pid_string(Pid)), State};
request([<<"processes">>, Sort, Limit, Filter], Target, State) -> processes(Target, sort_key(Sort), limit(Limit), Filter, State);
request([<<"process">>, Pid], Target, State) -> {process(Target, pid(Target, Pid)), State};
request([<<"kill">>, Pid], Target, State) -> {call(Target, erlang, exit, [pid(Target, Pid), kill]), State};
request([<<"gc">>, Pid], Target, State) -> {call(Target, erlang, garbage_collect, [pid(Target, Pid)]), State};
request([<<"ets">>], Target, State) -> {tables(Target), State};
request(_, _, _) -> throw({fault, <<"bad-request">>}).

sort_key(<<"memory">>) -> memory;
sort_key(<<"reductions">>) -> reductions;
sort_key(<<"message_queue_len">>) -> message_queue_len;
sort_key(_) -> throw({fault, <<"bad-request">>}).

limit(Text) ->
    case string:to_integer(Text) of
        {N, <<>>} when N > 0 -> min(N, 500);
        _ -> throw({fault, <<"bad-request">>})
    end.

pid(Target, Text) -> call(Target, erlang, list_to_pid, [pid_string(Text)]).

pid_string(Text) ->
    case re:run(Text, "^<0[.][0-9]{1,10}[.][0-9]{1,10}>$", [{capture, none}]) of
        match -> binary_to_list(Text);
        nomatch -> throw({fault, <<"bad-request">>})
    end.

pid_text(Pid) when is_pid(Pid) ->
    [_Node | Rest] = string:split(pid_to_list(Pid), "."),
    list_to_binary(["<0.", Rest]);
pid_text(Other) -> text(Other).

text(Term) when is_binary(Term) -> bounded(Term);
text(Term) when is_atom(Term) -> bounded(atom_to_binary(Term));
text(Term) ->
    case io_lib:printable_unicode_list(Term) of
        true -> chars(Term);
        false -> chars(io_lib:format("~tP", [Term, 12]))
    end.

chars(Chardata) -> bounded(unicode:characters_to_binary(Chardata)).

bounded(Bin) when byte_size(Bin) > 400 -> <<(binary:part(Bin, 0, 400))/binary, "...">>;
bounded(Bin) -> Bin.

mfa_text({M, F, A}) when is_atom(M), is_atom(F), is_integer(A) -> chars(io_lib:format("~ts.~ts/~b", [module_text(M), F, A]));
mfa_text(Other) -> text(Other).

module_text(M) ->
    case atom_to_list(M) of
        "Elixir." ++ Name -> Name;
        Name -> ":" ++ Name
    end.

overview(Target) ->
    Code = "#{node => node(), otp => erlang:system_info(otp_release), erts => erlang:system_info(version),"
        " elixir => case application:get_key(elixir, vsn) of {ok, V} -> V; _ -> undefined end,"
        " uptime_ms => element(1, erlang:statistics(wall_clock)), time_ms => erlang:monotonic_time(millisecond),"
        " schedulers => erlang:system_info(schedulers), schedulers_online => erlang:system_info(schedulers_online),"
        " memory => erlang:memory(), process_count => erlang:system_info(process_count), process_limit => erlang:system_info(process_limit),"
        " port_count => erlang:system_info(port_count), port_limit => erlang:system_info(port_limit),"
        " atom_count => erlang:system_info(atom_count), atom_limit => erlang:system_info(atom_limit),"
        " ets_count => erlang:system_info(ets_count), ets_limit => erlang:system_info(ets_limit),"
        " run_queue => erlang:statistics(total_run_queue_lengths), reductions => element(1, erlang:statistics(exact_reductions)),"
        " io => erlang:statistics(io)}",
    O = eval(Target, Code, []),
    {{input, In}, {output, Out}} = maps:get(io, O),
    Memory = maps:from_list(maps:get(memory, O)),
    (maps:without([io, memory, elixir, otp, erts], O))#{
        otp => text(maps:get(otp, O)), erts => text(maps:get(erts, O)),
        elixir => case maps:get(elixir, O) of undefined -> null; V -> text(V) end,
        io_input => In, io_output => Out,
        memory => maps:with([total, processes, binary, ets, atom, code, system], Memory)}.

applications(Target) ->
    Code = "[begin Top = try application_master:get_child(application_controller:get_master(A)) catch _:_ -> undefined end,"
        " {A, D, V, case Top of {P, _} when is_pid(P) -> {P, erlang:process_info(P, registered_name)}; _ -> undefined end} end"
        " || {A, D, V} <- application:which_applications()]",
    [#{name => A, description => text(D), version => text(V), supervisor => optional_pid(top_pid(Top)), supervisor_name => top_name(Top)}
     || {A, D, V, Top} <- eval(Target, Code, [])].

top_pid({P, _}) -> P;
top_pid(_) -> undefined.

top_name({_, {registered_name, Name}}) when is_atom(Name) -> module_name(Name);
top_name(_) -> null.

optional_pid(P) when is_pid(P) -> pid_text(P);
optional_pid(_) -> null.

children(Target, Sup) ->
    Code = "Pid = erlang:list_to_pid(Sup),"
        " Supervisor = case erlang:process_info(Pid, dictionary) of"
        "   undefined -> gone;"
        "   {dictionary, D} -> case proplists:get_value('$initial_call', D) of"
        "     {supervisor, _, _} -> true; _ -> false end"
        " end,"
        " case Supervisor of"
        "   gone -> gone;"
        "   false -> not_a_supervisor;"
        "   true ->"
        "     All = supervisor:which_children(Pid), Kept = lists:sublist(All, Max), Pids = [P || {_, P, _, _} <- Kept, is_pid(P)],"
        "     Info = lists:zip(Pids, lists:zipwith(fun erlang:process_info/2, Pids, lists:duplicate(length(Pids), [registered_name, initial_call, dictionary]))),"
        "     {length(All), Kept, Info}"
        " end",
    case eval(Target, Code, [{'Sup', Sup}, {'Max', 500}]) of
        {Count, Kept, Info} -> #{count => Count, children => [child(C, Info) || C <- Kept]};
        gone -> throw({fault, <<"no-process">>});
        not_a_supervisor -> throw({fault, <<"not-a-supervisor">>})
    end.

child({Id, Pid, Type, Modules}, Info) ->
    Details = case lists:keyfind(Pid, 1, Info) of {_, I} when is_list(I) -> I; _ -> [] end,
    #{id => text(Id), pid => optional_pid(Pid), state => case Pid of P when is_pid(P) -> running; Other -> Other end,
      type => Type, name => name(Details), initial_call => initial_call(Details),
      modules => case Modules of dynamic -> dynamic; _ -> [text(M) || M <- lists:sublist(Modules, 5)] end}.

name(Info) ->
    case lists:keyfind(registered_name, 1, Info) of
        {registered_name, Name} when is_atom(Name), Name =/= [] -> module_name(Name);
        _ -> null
    end.

module_name(Name) ->
    case atom_to_list(Name) of
        "Elixir." ++ Rest -> list_to_binary(Rest);
        _ -> atom_to_binary(Name)
    end.

initial_call(Info) ->
    Dictionary = case lists:keyfind(dictionary, 1, Info) of {dictionary, D} -> D; _ -> [] end,
    case lists:keyfind('$initial_call', 1, Dictionary) of
        {_, MFA} -> mfa_text(MFA);
        false -> case lists:keyfind(initial_call, 1, Info) of {initial_call, MFA} -> mfa_text(MFA); _ -> null end
    end.

processes(Target, Sort, Limit, Filter, State) ->
    Patterns = patterns(Filter),
    Wanted = case Sort of reductions -> all; _ -> Limit end,
    Code = "Pids = lists:delete(self(), erlang:processes()), Len = length(Pids),"
        " Infos = lists:zipwith(fun erlang:process_info/2, Pids, lists:duplicate(Len, Key)),"
        " Kept = case Patterns of"
        "   [] -> lists:zip(Infos, Pids);"
        "   _ -> Meta = lists:zipwith(fun erlang:process_info/2, Pids, lists:duplicate(Len, [registered_name, initial_call, current_function])),"
        "        Found = lists:zipwith(fun binary:match/2, lists:map(fun erlang:term_to_binary/1, Meta), lists:duplicate(Len, Patterns)),"
        "        [{V, P} || {_, V, P} <- proplists:delete(nomatch, lists:zip3(Found, Infos, Pids))]"
        " end,"
        " Top = case Wanted of all -> Kept; _ -> lists:sublist(lists:reverse(lists:keysort(1, Kept)), Wanted) end,"
        " {Len, length(Kept), Top, erlang:monotonic_time(millisecond)}",
    {Total, Matching, Top, Now} = eval(Target, Code, [{'Key', Sort}, {'Patterns', Patterns}, {'Wanted', Wanted}]),
    Live = [{Value, Pid} || {{_, Value}, Pid} <- Top],
    {Ranked, Next, Interval} = case Sort of
        reductions -> per_interval(Live, Limit, Now, State);
        _ -> {Live, State, null}
    end,
    Pids = [Pid || {_, Pid} <- Ranked],
    Items = [registered_name, initial_call, current_function, memory, reductions, message_queue_len, dictionary],
    Details = call(Target, lists, zipwith, [fun erlang:process_info/2, Pids, lists:duplicate(length(Pids), Items)]),
    Rows = [row(Pid, Value, Info) || {{Value, Pid}, Info} <- lists:zip(Ranked, Details), is_list(Info)],
    {#{total => Total, matching => Matching, sort => Sort, interval_ms => Interval, processes => Rows}, Next}.

per_interval(Live, Limit, Now, State) ->
    Current = maps:from_list([{Pid, Value} || {Value, Pid} <- Live]),
    case maps:get(reductions, State) of
        {Before, Then} ->
            Deltas = [{Value - maps:get(Pid, Before, 0), Pid} || {Value, Pid} <- Live],
            {lists:sublist(lists:reverse(lists:keysort(1, Deltas)), Limit), State#{reductions := {Current, Now}}, Now - Then};
        none ->
            {lists:sublist(lists:reverse(lists:keysort(1, Live)), Limit), State#{reductions := {Current, Now}}, null}
    end.

patterns(<<>>) -> [];
patterns(Filter) ->
    Text = string:trim(Filter),
    Variants = [Text, string:lowercase(Text), string:titlecase(Text)],
    [V || V <- lists:usort(Variants), V =/= <<>>].

row(Pid, Value, Info) ->
    Get = fun(Key) -> case lists:keyfind(Key, 1, Info) of {Key, V} -> V; false -> undefined end end,
    #{pid => pid_text(Pid), name => name(Info), initial_call => initial_call(Info),
      current_function => mfa_text(Get(current_function)), memory => Get(memory), reductions => Get(reductions),
      message_queue_len => Get(message_queue_len), value => Value}.

process(Target, Pid) ->
    Items = [registered_name, status, initial_call, current_function, message_queue_len, memory, heap_size, total_heap_size,
             stack_size, reductions, links, monitors, monitored_by, trap_exit, group_leader, dictionary, current_stacktrace],
    case call(Target, erlang, process_info, [Pid, Items]) of
        undefined -> throw({fault, <<"no-process">>});
        Info ->
            Get = fun(Key) -> {Key, V} = lists:keyfind(Key, 1, Info), V end,
            #{pid => pid_text(Pid), name => name(Info), status => Get(status), initial_call => initial_call(Info),
              current_function => mfa_text(Get(current_function)), message_queue_len => Get(message_queue_len),
              memory => Get(memory), heap_size => Get(heap_size), total_heap_size => Get(total_heap_size),
              stack_size => Get(stack_size), reductions => Get(reductions), trap_exit => Get(trap_exit),
              group_leader => pid_text(Get(group_leader)),
              links => [pid_text(L) || L <- lists:sublist(Get(links), 100)],
              monitors => [text(M) || M <- lists:sublist(Get(monitors), 100)],
              monitored_by => [pid_text(M) || M <- lists:sublist(Get(monitored_by), 100)],
              dictionary_keys => [text(K) || {K, _} <- lists:sublist(Get(dictionary), 100)],
              stacktrace => [frame(F) || F <- lists:sublist(Get(current_stacktrace), 100)]}
    end.

frame({M, F, A, Location}) ->
    Arity = if is_list(A) -> length(A); true -> A end,
    Where = case {proplists:get_value(file, Location), proplists:get_value(line, Location)} of
        {File, Line} when File =/= undefined, Line =/= undefined -> io_lib:format(" (~ts:~b)", [File, Line]);
        _ -> ""
    end,
    chars(io_lib:format("~ts.~ts/~b~ts", [module_text(M), F, Arity, Where]));
frame(Other) -> text(Other).

tables(Target) ->
    Code = "Tabs = ets:all(), {length(Tabs), erlang:system_info(wordsize), lists:map(fun ets:info/1, Tabs)}",
    {Count, Word, Infos} = eval(Target, Code, []),
    Rows = [table(I, Word) || I <- Infos, is_list(I)],
    Sorted = lists:sublist(lists:reverse(lists:sort([{maps:get(memory, R), R} || R <- Rows])), 2000),
    #{count => Count, tables => [R || {_, R} <- Sorted]}.

table(Info, Word) ->
    Get = fun(Key) -> proplists:get_value(Key, Info) end,
    #{id => text(Get(id)), name => text(Get(name)), named => Get(named_table), type => Get(type), size => Get(size),
      memory => Get(memory) * Word, owner => pid_text(Get(owner)), protection => Get(protection)}.

reply(Term) -> io:put_chars(standard_io, [json(Term), $\n]).

json(null) -> <<"null">>;
json(true) -> <<"true">>;
json(false) -> <<"false">>;
json(undefined) -> <<"null">>;
json(A) when is_atom(A) -> string(atom_to_binary(A));
json(I) when is_integer(I) -> integer_to_binary(I);
json(F) when is_float(F) -> float_to_binary(F, [short]);
json(B) when is_binary(B) -> string(B);
json(M) when is_map(M) -> [123, lists:join($,, [[string(key(K)), $:, json(V)] || {K, V} <- maps:to_list(M)]), $}];
json(L) when is_list(L) -> [$[, lists:join($,, [json(E) || E <- L]), $]];
json(Other) -> string(text(Other)).

key(K) when is_atom(K) -> atom_to_binary(K);
key(K) when is_binary(K) -> K;
key(K) -> text(K).

string(B) -> [$", escape(B, <<>>), $"].

escape(<<>>, Acc) -> Acc;
escape(<<$", Rest/binary>>, Acc) -> escape(Rest, <<Acc/binary, $\\, $">>);
escape(<<$\\, Rest/binary>>, Acc) -> escape(Rest, <<Acc/binary, $\\, $\\>>);
escape(<<C, Rest/binary>>, Acc) when C < 32 -> escape(Rest, <<Acc/binary, (list_to_binary(io_lib:format("\\u~4.16.0b", [C])))/binary>>);
escape(<<C, Rest/binary>>, Acc) -> escape(Rest, <<Acc/binary, C>>).`;

/** The helper's source as the one line the bootstrap reads first. */
export const HELPER_SOURCE_LINE = HELPER_SOURCE.replace(/\s*\n\s*/g, ' ');
