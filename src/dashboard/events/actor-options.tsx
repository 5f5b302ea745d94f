// Suggestions for the actor filter: each actor's filter value (its email when it has one, else
// its id) with the name beside it.
export interface ActorChoice {
  id: string;
  name: string | null;
  email: string | null;
}

export function ActorOptions({ actors }: { actors: ActorChoice[] }) {
  return (
    <>
      {actors.map((a) => (
        <option value={a.email ?? a.id}>{[a.name, a.email ? null : a.id].filter(Boolean).join(' · ') || a.id}</option>
      ))}
    </>
  );
}
